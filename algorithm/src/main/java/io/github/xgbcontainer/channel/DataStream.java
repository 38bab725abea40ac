package io.github.xgbcontainer.channel;

import java.io.IOException;
import java.io.InputStream;

/**
 * One stream of a channel: a file in File mode, a pipe in Pipe mode. Content readers see only this.
 */
public interface DataStream {

  /** The name used in messages: the path relative to the channel folder, or the pipe's path. */
  String name();

  /** Opens the bytes, already decompressed when the source is gzip. Each call reads from the start. */
  InputStream open() throws IOException;
}
