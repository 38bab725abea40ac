package io.github.xgbcontainer.channel;

import java.util.List;

/** Where a channel's bytes come from, independent of what they are. */
public interface ChannelSource {

  /** The channel name. */
  String channel();

  /** The channel's streams in a stable order. An empty list is an empty channel. */
  List<DataStream> streams();
}
