package io.github.xgbcontainer.sagemaker;

import java.nio.file.Path;
import java.util.Map;

/**
 * The SageMaker training layout rooted at one base directory (default {@code /opt/ml}).
 *
 * <p>See https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo-running-container.html
 *
 * @param root the base directory, {@code /opt/ml} on SageMaker
 */
public record SageMakerPaths(Path root) {

  /** The environment variable that overrides the base directory (the training toolkit's name). */
  public static final String BASE_DIR_ENV = "SAGEMAKER_BASE_DIR";

  /** The default base directory. */
  public static final Path DEFAULT_ROOT = Path.of("/opt/ml");

  public SageMakerPaths {
    root = root.toAbsolutePath().normalize();
  }

  /** The layout for this process: {@code SAGEMAKER_BASE_DIR} when set and not blank, else {@code /opt/ml}. */
  public static SageMakerPaths fromEnvironment(Map<String, String> env) {
    return fromEnvironment(env, DEFAULT_ROOT);
  }

  /** The layout for this process: {@code SAGEMAKER_BASE_DIR} when set and not blank, else {@code defaultRoot}. */
  public static SageMakerPaths fromEnvironment(Map<String, String> env, Path defaultRoot) {
    String base = env.get(BASE_DIR_ENV);
    return new SageMakerPaths(base == null || base.isBlank() ? defaultRoot : Path.of(base));
  }

  public Path configDir() {
    return root.resolve("input/config");
  }

  public Path hyperparameters() {
    return configDir().resolve("hyperparameters.json");
  }

  public Path inputDataConfig() {
    return configDir().resolve("inputdataconfig.json");
  }

  public Path resourceConfig() {
    return configDir().resolve("resourceconfig.json");
  }

  public Path checkpointConfig() {
    return configDir().resolve("checkpointconfig.json");
  }

  /** The checkpoint folder when {@code checkpointconfig.json} names none: {@code checkpoints}. */
  public Path checkpointDir() {
    return root.resolve("checkpoints");
  }

  public Path dataDir() {
    return root.resolve("input/data");
  }

  /** The folder of a File or FastFile channel. */
  public Path channelDir(String channel) {
    return dataDir().resolve(channel);
  }

  /** The named pipe of a Pipe-mode channel for one pass over the data. */
  public Path channelPipe(String channel, int epoch) {
    return dataDir().resolve(channel + "_" + epoch);
  }

  public Path modelDir() {
    return root.resolve("model");
  }

  /** Where the trained booster goes: {@code model/xgboost-model}. */
  public Path modelFile() {
    return modelDir().resolve("xgboost-model");
  }

  public Path outputDir() {
    return root.resolve("output");
  }

  /** Extra results SageMaker uploads as {@code output.tar.gz}. */
  public Path outputDataDir() {
    return outputDir().resolve("data");
  }

  /** The failure reason SageMaker shows in DescribeTrainingJob. */
  public Path failureFile() {
    return outputDir().resolve("failure");
  }
}
