package io.github.xgbcontainer.config;

import java.util.Objects;

/**
 * One channel of {@code inputdataconfig.json}.
 *
 * @param name the channel name, {@code train} or {@code validation}
 * @param contentType what the bytes are
 * @param inputMode how they arrive
 * @param sharded whether {@code S3DistributionType} is {@code ShardedByS3Key} (each host gets a part)
 * @param recordIoWrapped whether {@code RecordWrapperType} is {@code RecordIO}
 * @param contentTypeGiven whether the job named the content type; when it did not, the channel is
 *     LibSVM, the official image's default, and a reader can say so when the data is plainly not
 */
public record ChannelConfig(String name, ContentType contentType, InputMode inputMode,
    boolean sharded, boolean recordIoWrapped, boolean contentTypeGiven) {

  public ChannelConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(inputMode, "inputMode");
    if (!contentTypeGiven && contentType != ContentType.LIBSVM) {
      throw new IllegalArgumentException("a channel without a ContentType is LibSVM, not " + contentType);
    }
  }

  /** A channel whose content type the job named. */
  public ChannelConfig(String name, ContentType contentType, InputMode inputMode, boolean sharded,
      boolean recordIoWrapped) {
    this(name, contentType, inputMode, sharded, recordIoWrapped, true);
  }
}
