package io.github.xgbcontainer.local.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.xgbcontainer.config.ChannelConfig;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.config.JsonFiles;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.local.store.StoreUri;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The parts of a {@code CreateTrainingJob} request a local job uses, as users already write it.
 * Fields it does not use (RoleArn, ResourceConfig.VolumeSizeInGB, Tags...) are accepted and ignored.
 *
 * <p>See https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html
 *
 * @param jobName TrainingJobName
 * @param image AlgorithmSpecification.TrainingImage, used by the container runtimes; may be empty
 * @param metrics AlgorithmSpecification.MetricDefinitions
 * @param hyperparameters HyperParameters, every value a string
 * @param channels InputDataConfig, in request order
 * @param outputPath OutputDataConfig.S3OutputPath
 * @param instanceCount ResourceConfig.InstanceCount
 * @param instanceType ResourceConfig.InstanceType; empty when not given
 * @param checkpoint CheckpointConfig, when present
 * @param maxRuntimeSeconds StoppingCondition.MaxRuntimeInSeconds (SageMaker's default: one day)
 */
public record TrainingJobRequest(String jobName, String image, List<MetricDefinition> metrics,
    Map<String, String> hyperparameters, List<ChannelRequest> channels, StoreUri outputPath,
    int instanceCount, String instanceType, Optional<Checkpoint> checkpoint, long maxRuntimeSeconds) {

  /**
   * Whether the instance type has NVIDIA GPUs: SageMaker's accelerated families {@code ml.g*} and
   * {@code ml.p*} ({@code ml.g5.xlarge}, {@code ml.p4d.24xlarge}), and the SageMaker SDK's local mode
   * {@code local_gpu}.
   */
  public boolean gpuInstance() {
    return instanceType.equals("local_gpu") || instanceType.matches("ml\\.[gp]\\d.*");
  }

  /** SageMaker's limit on job names: letters, digits and hyphens, at most 63. */
  private static final Pattern JOB_NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
  private static final Pattern CHANNEL_NAME = Pattern.compile("[A-Za-z0-9\\.\\-_]{1,64}");
  static final long DEFAULT_MAX_RUNTIME = 86_400;
  /**
   * The most hosts a local job runs. The process runtime gives host N the loopback address
   * {@code 127.0.0.N} ({@link io.github.xgbcontainer.local.host.Host#loopbackAddress()}), and that last octet ends at 254 (255 is
   * left out, as a /24's broadcast address); every host also gets its own {@code /opt/ml} tree and,
   * in File mode, its own copy of the data, so the count is checked before anything is written.
   */
  public static final int MAX_INSTANCES = 254;

  public TrainingJobRequest {
    if (instanceCount < 1 || instanceCount > MAX_INSTANCES) {
      throw new IllegalArgumentException("instanceCount " + instanceCount + " is not in [1, " + MAX_INSTANCES + "]");
    }
    Objects.requireNonNull(instanceType, "instanceType");
    metrics = List.copyOf(metrics);
    hyperparameters = Map.copyOf(hyperparameters);
    channels = List.copyOf(channels);
  }

  /**
   * A metric SageMaker extracts from the job's logs.
   *
   * @param name e.g. {@code validation:auc}
   * @param regex the pattern whose first group is the value
   */
  public record MetricDefinition(String name, Pattern regex) {}

  /**
   * CheckpointConfig.
   *
   * @param uri S3Uri
   * @param localPath LocalPath, default {@code /opt/ml/checkpoints}
   */
  public record Checkpoint(StoreUri uri, String localPath) {}

  /** S3DataSource.S3DataType. */
  public enum DataType { S3_PREFIX, MANIFEST_FILE }

  /**
   * One entry of InputDataConfig.
   *
   * @param name ChannelName
   * @param dataType S3Prefix or ManifestFile
   * @param uri S3Uri
   * @param sharded S3DataDistributionType is ShardedByS3Key
   * @param contentType ContentType, read as {@code train} reads it, so that a type {@code train}
   *     refuses is refused before anything is fetched; empty when the channel names none
   * @param gzip CompressionType is Gzip
   * @param recordIo RecordWrapperType is RecordIO
   * @param inputMode the channel's InputMode, or the job's TrainingInputMode
   */
  public record ChannelRequest(String name, DataType dataType, StoreUri uri, boolean sharded,
      Optional<ContentType> contentType, boolean gzip, boolean recordIo, InputMode inputMode) {

    /**
     * The channel's entry in the host's {@code inputdataconfig.json}: without a ContentType, none is
     * written, as SageMaker writes none, and the host reads LibSVM knowing that no type was named.
     */
    public ChannelConfig config() {
      return new ChannelConfig(name, contentType.orElse(ContentType.LIBSVM), inputMode, sharded, recordIo,
          contentType.isPresent());
    }
  }

  /** Reads and validates a request file. */
  public static TrainingJobRequest load(Path file) {
    return parse(JsonFiles.read(file));
  }

  /** Validates a parsed request; each message names the field. */
  public static TrainingJobRequest parse(JsonNode root) {
    if (!root.isObject()) {
      throw new UserError("the request must be a JSON object, as for aws sagemaker create-training-job --cli-input-json");
    }
    String name = requiredText(root, "TrainingJobName");
    if (!JOB_NAME.matcher(name).matches()) {
      throw new UserError("TrainingJobName '" + name + "' is not valid: use 1 to 63 letters, digits and hyphens, "
          + "starting with a letter or digit");
    }
    JsonNode algorithm = object(root, "AlgorithmSpecification", true);
    String image = text(algorithm, "TrainingImage").orElse("");
    InputMode jobMode = mode("AlgorithmSpecification.TrainingInputMode",
        text(algorithm, "TrainingInputMode").orElse("File"));
    List<MetricDefinition> metrics = metrics(algorithm.get("MetricDefinitions"));

    Map<String, String> hyperparameters = new LinkedHashMap<>();
    JsonNode hp = root.get("HyperParameters");
    if (hp != null && !hp.isNull()) {
      if (!hp.isObject()) {
        throw new UserError("HyperParameters must be an object of strings, e.g. {\"num_round\": \"10\"}");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = hp.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isContainerNode()) {
          throw new UserError("HyperParameters." + e.getKey() + " must be a string, not " + e.getValue());
        }
        hyperparameters.put(e.getKey(), e.getValue().asText());
      }
    }

    JsonNode inputs = root.get("InputDataConfig");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw new UserError("InputDataConfig is missing or empty: list the channels, e.g. "
          + "[{\"ChannelName\": \"train\", \"DataSource\": {\"S3DataSource\": {...}}}]");
    }
    List<ChannelRequest> channels = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < inputs.size(); i++) {
      ChannelRequest channel = channel(i, inputs.get(i), jobMode);
      if (!seen.add(channel.name())) {
        throw new UserError("InputDataConfig: channel '" + channel.name() + "' appears twice");
      }
      channels.add(channel);
    }

    JsonNode output = object(root, "OutputDataConfig", true);
    StoreUri outputPath = StoreUri.parse("OutputDataConfig.S3OutputPath", text(output, "S3OutputPath").orElse(null));

    int instances = 1;
    JsonNode resources = object(root, "ResourceConfig", false);
    if (resources != null && resources.has("InstanceCount")) {
      JsonNode count = resources.get("InstanceCount");
      if (!count.isIntegralNumber() || count.bigIntegerValue().signum() < 1) {
        throw new UserError("ResourceConfig.InstanceCount '" + count + "' is not a whole number of at least 1");
      }
      if (count.bigIntegerValue().compareTo(BigInteger.valueOf(MAX_INSTANCES)) > 0) {
        throw new UserError("ResourceConfig.InstanceCount '" + count + "' is more than " + MAX_INSTANCES
            + ", the most hosts a local job runs (host N gets the loopback address 127.0.0.N); perhaps you should "
            + "ask for fewer instances");
      }
      instances = count.asInt();
    }
    String instanceType = resources == null ? "" : text(resources, "InstanceType").orElse("");

    Optional<Checkpoint> checkpoint = Optional.empty();
    JsonNode cp = object(root, "CheckpointConfig", false);
    if (cp != null) {
      checkpoint = Optional.of(new Checkpoint(StoreUri.parse("CheckpointConfig.S3Uri", text(cp, "S3Uri").orElse(null)),
          text(cp, "LocalPath").orElse("/opt/ml/checkpoints")));
    }

    long maxRuntime = DEFAULT_MAX_RUNTIME;
    JsonNode stopping = object(root, "StoppingCondition", false);
    if (stopping != null && stopping.has("MaxRuntimeInSeconds")) {
      JsonNode v = stopping.get("MaxRuntimeInSeconds");
      if (!v.isIntegralNumber() || v.asLong() < 1) {
        throw new UserError("StoppingCondition.MaxRuntimeInSeconds '" + v + "' is not a whole number of at least 1");
      }
      maxRuntime = v.asLong();
    }
    return new TrainingJobRequest(name, image, metrics, hyperparameters, channels, outputPath, instances,
        instanceType, checkpoint, maxRuntime);
  }

  private static ChannelRequest channel(int index, JsonNode node, InputMode jobMode) {
    String where = "InputDataConfig[" + index + "]";
    if (!node.isObject()) {
      throw new UserError(where + " must be an object with ChannelName and DataSource");
    }
    String name = requiredText(node, "ChannelName", where + ".ChannelName");
    if (!CHANNEL_NAME.matcher(name).matches()) {
      throw new UserError(where + ".ChannelName '" + name + "' is not valid: use up to 64 letters, digits, '.', '-', '_'");
    }
    String at = "channel '" + name + "'";
    JsonNode source = node.path("DataSource").get("S3DataSource");
    if (source == null || !source.isObject()) {
      throw new UserError(at + ": DataSource.S3DataSource is missing; give S3DataType, S3Uri and S3DataDistributionType");
    }
    String rawType = text(source, "S3DataType").orElse(null);
    DataType type;
    if (rawType == null) {
      throw new UserError(at + ": S3DataType is missing; use S3Prefix or ManifestFile");
    }
    switch (rawType) {
      case "S3Prefix" -> type = DataType.S3_PREFIX;
      case "ManifestFile" -> type = DataType.MANIFEST_FILE;
      default -> throw new UserError(at + ": S3DataType '" + rawType + "' is not supported; use S3Prefix or ManifestFile"
          + (rawType.equals("AugmentedManifestFile") ? " (augmented manifests are for other algorithms)" : ""));
    }
    StoreUri uri = StoreUri.parse(at + ": S3Uri", text(source, "S3Uri").orElse(null));
    if (type == DataType.MANIFEST_FILE && (uri.key().isEmpty() || uri.key().endsWith("/"))) {
      throw new UserError(at + ": S3Uri '" + uri + "' must name the manifest object, not a prefix");
    }
    String distribution = text(source, "S3DataDistributionType").orElse("FullyReplicated");
    boolean sharded = switch (distribution) {
      case "FullyReplicated" -> false;
      case "ShardedByS3Key" -> true;
      default -> throw new UserError(at + ": S3DataDistributionType '" + distribution
          + "' is not one of FullyReplicated, ShardedByS3Key");
    };
    String compression = text(node, "CompressionType").orElse("None");
    boolean gzip = switch (compression) {
      case "None" -> false;
      case "Gzip" -> true;
      default -> throw new UserError(at + ": CompressionType '" + compression + "' is not one of None, Gzip");
    };
    String wrapper = text(node, "RecordWrapperType").orElse("None");
    boolean recordIo = switch (wrapper) {
      case "None" -> false;
      case "RecordIO" -> true;
      default -> throw new UserError(at + ": RecordWrapperType '" + wrapper + "' is not one of None, RecordIO");
    };
    InputMode mode = text(node, "InputMode").map(m -> mode(at + ": InputMode", m)).orElse(jobMode);
    Optional<ContentType> contentType = text(node, "ContentType").filter(t -> !t.isBlank())
        .map(t -> ContentType.parse(name, t));
    return new ChannelRequest(name, type, uri, sharded, contentType, gzip, recordIo, mode);
  }

  private static InputMode mode(String field, String raw) {
    return InputMode.byWireName(raw)
        .orElseThrow(() -> new UserError(field + " '" + raw + "' is not one of File, Pipe, FastFile"));
  }

  private static List<MetricDefinition> metrics(JsonNode node) {
    List<MetricDefinition> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw new UserError("AlgorithmSpecification.MetricDefinitions must be a list of {\"Name\", \"Regex\"}");
    }
    for (int i = 0; i < node.size(); i++) {
      String where = "AlgorithmSpecification.MetricDefinitions[" + i + "]";
      String name = requiredText(node.get(i), "Name", where + ".Name");
      String regex = requiredText(node.get(i), "Regex", where + ".Regex");
      try {
        Pattern pattern = Pattern.compile(regex);
        if (pattern.matcher("").groupCount() < 1) {
          throw new UserError(where + " '" + name + "': Regex '" + regex + "' has no capturing group for the value");
        }
        out.add(new MetricDefinition(name, pattern));
      } catch (PatternSyntaxException e) {
        throw new UserError(where + " '" + name + "': Regex is not valid: " + e.getDescription(), e);
      }
    }
    return out;
  }

  private static JsonNode object(JsonNode root, String field, boolean required) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        throw new UserError(field + " is missing from the request");
      }
      return null;
    }
    if (!node.isObject()) {
      throw new UserError(field + " must be a JSON object");
    }
    return node;
  }

  private static String requiredText(JsonNode node, String field) {
    return requiredText(node, field, field);
  }

  private static String requiredText(JsonNode node, String field, String where) {
    return text(node, field).filter(s -> !s.isBlank())
        .orElseThrow(() -> new UserError(where + " is missing from the request"));
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
  }
}
