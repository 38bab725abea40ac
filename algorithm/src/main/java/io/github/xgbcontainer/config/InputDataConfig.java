package io.github.xgbcontainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.xgbcontainer.error.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The channels of a training job, read from {@code inputdataconfig.json}.
 *
 * <p>Accepts what SageMaker and its local mode really write: {@code S3DistributionType} and
 * {@code ContentType} may be missing. Only {@code train} (required) and {@code validation} are
 * channels this algorithm reads.
 *
 * @param train the training channel
 * @param validation the validation channel, if the job has one
 */
public record InputDataConfig(ChannelConfig train, Optional<ChannelConfig> validation) {

  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";

  private static final Logger LOG = Logger.getLogger(InputDataConfig.class.getName());

  /**
   * Reads the file; when it is absent (a hand-made {@code /opt/ml}), the channels are the folders
   * under {@code dataDir}, read as LibSVM in File mode.
   */
  public static InputDataConfig load(Path file, Path dataDir) {
    if (!Files.exists(file)) {
      LOG.info(file + " not found: using the folders under " + dataDir + " as File-mode LibSVM channels");
      Map<String, ChannelConfig> channels = new LinkedHashMap<>();
      if (Files.isDirectory(dataDir)) {
        try (Stream<Path> list = Files.list(dataDir)) {
          list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
              .forEach(n -> channels.put(n, new ChannelConfig(n, ContentType.LIBSVM, InputMode.FILE, false, false, false)));
        } catch (java.io.IOException e) {
          throw new io.github.xgbcontainer.error.PlatformError("cannot list " + dataDir + ": " + e.getMessage(), e);
        }
      }
      return of(channels);
    }
    JsonNode root = JsonFiles.read(file);
    if (!root.isObject()) {
      throw new UserError(file + ": expected a JSON object of channels, e.g. {\"train\": {\"ContentType\": \"text/csv\"}}");
    }
    Map<String, ChannelConfig> channels = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      channels.put(entry.getKey(), channel(entry.getKey(), entry.getValue()));
    }
    return of(channels);
  }

  static InputDataConfig of(Map<String, ChannelConfig> channels) {
    List<String> unknown = new ArrayList<>();
    for (String name : channels.keySet()) {
      if (!name.equals(TRAIN) && !name.equals(VALIDATION)) {
        unknown.add("'" + name + "'");
      }
    }
    if (!unknown.isEmpty()) {
      throw new UserError("channel " + String.join(", ", unknown) + " is not supported: this algorithm reads "
          + "the channels 'train' (required) and 'validation' (optional); rename or remove the others");
    }
    ChannelConfig train = channels.get(TRAIN);
    if (train == null) {
      throw new UserError("the required channel 'train' is missing: add a channel named 'train' to the job's InputDataConfig");
    }
    return new InputDataConfig(train, Optional.ofNullable(channels.get(VALIDATION)));
  }

  private static ChannelConfig channel(String name, JsonNode node) {
    if (!node.isObject()) {
      throw new UserError("inputdataconfig.json: channel '" + name + "' must be a JSON object");
    }
    String rawType = text(node, "ContentType");
    ContentType type = ContentType.parse(name, rawType);
    InputMode mode = InputMode.parse(name, text(node, "TrainingInputMode"));
    String distribution = text(node, "S3DistributionType");
    boolean sharded = false;
    if (distribution != null) {
      switch (distribution.trim().toLowerCase(Locale.ROOT)) {
        case "fullyreplicated" -> sharded = false;
        case "shardedbys3key" -> sharded = true;
        default -> throw new UserError("channel '" + name + "': S3DistributionType '" + distribution
            + "' is not one of FullyReplicated, ShardedByS3Key");
      }
    }
    String wrapper = text(node, "RecordWrapperType");
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

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
