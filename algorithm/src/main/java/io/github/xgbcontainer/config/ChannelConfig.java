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
 */
public record ChannelConfig(String name, ContentType contentType, InputMode inputMode,
    boolean sharded, boolean recordIoWrapped) {

  public ChannelConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(inputMode, "inputMode");
  }
}
