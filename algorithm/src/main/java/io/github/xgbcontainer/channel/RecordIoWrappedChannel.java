package io.github.xgbcontainer.channel;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A channel with {@code RecordWrapperType=RecordIO}: SageMaker wrapped each S3 object in RecordIO
 * records, and this source hands the content readers the payloads instead of the frames. See
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Channel.html
 */
public final class RecordIoWrappedChannel implements ChannelSource {

  private final ChannelSource wrapped;
  private final List<DataStream> streams;

  /**
   * @param wrapped the framed channel
   * @param terminateLines whether each record is text whose last line must end with a line feed
   */
  public RecordIoWrappedChannel(ChannelSource wrapped, boolean terminateLines) {
    this.wrapped = wrapped;
    this.streams = wrapped.streams().stream()
        .<DataStream>map(s -> new Unwrapped(s, terminateLines))
        .toList();
  }

  @Override
  public String channel() {
    return wrapped.channel();
  }

  @Override
  public List<DataStream> streams() {
    return streams;
  }

  private record Unwrapped(DataStream framed, boolean terminateLines) implements DataStream {
    @Override
    public String name() {
      return framed.name();
    }

    @Override
    public InputStream open() throws IOException {
      return new RecordIoPayloadStream(framed.open(), terminateLines);
    }
  }
}
