package io.github.xgbcontainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.xgbcontainer.error.UserError;
import java.util.Locale;
import java.util.Objects;

/**
 * One channel of {@code inputdataconfig.json}, read by {@code train} and written by {@code local}
 * through the same keys.
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

  static final String CONTENT_TYPE = "ContentType";
  static final String INPUT_MODE = "TrainingInputMode";
  static final String DISTRIBUTION = "S3DistributionType";
  static final String WRAPPER = "RecordWrapperType";

  /**
   * Reads one channel's object. {@code S3DistributionType} and {@code ContentType} may be missing,
   * as SageMaker's local mode leaves them out.
   */
  static ChannelConfig fromJson(String name, JsonNode node) {
    if (!node.isObject()) {
      throw new UserError("inputdataconfig.json: channel '" + name + "' must be a JSON object");
    }
    String rawType = text(node, CONTENT_TYPE);
    ContentType type = ContentType.parse(name, rawType);
    InputMode mode = InputMode.parse(name, text(node, INPUT_MODE));
    String distribution = text(node, DISTRIBUTION);
    boolean sharded = false;
    if (distribution != null) {
      switch (distribution.trim().toLowerCase(Locale.ROOT)) {
        case "fullyreplicated" -> sharded = false;
        case "shardedbys3key" -> sharded = true;
        default -> throw new UserError("channel '" + name + "': S3DistributionType '" + distribution
            + "' is not one of FullyReplicated, ShardedByS3Key");
      }
    }
    String wrapper = text(node, WRAPPER);
    boolean recordIo = false;
    if (wrapper != null) {
      switch (wrapper.trim().toLowerCase(Locale.ROOT)) {
        case "none", "" -> recordIo = false;
        case "recordio" -> recordIo = true;
        default -> throw new UserError("channel '" + name + "': RecordWrapperType '" + wrapper
            + "' is not one of None, RecordIO");
      }
    }
    return new ChannelConfig(name, type, mode, sharded, recordIo, rawType != null && !rawType.isBlank());
  }

  /**
   * The channel's object as SageMaker writes it, names as SageMaker spells them; without a
   * content type the job named, {@code ContentType} is left out, as SageMaker leaves it out.
   */
  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    if (contentTypeGiven) {
      node.put(CONTENT_TYPE, contentType.mimeType());
    }
    node.put(INPUT_MODE, inputMode.wireName());
    node.put(DISTRIBUTION, sharded ? "ShardedByS3Key" : "FullyReplicated");
    node.put(WRAPPER, recordIoWrapped ? "RecordIO" : "None");
    return node;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
