package io.github.xgbcontainer.ingest;

import io.github.xgbcontainer.config.CheckpointConfig;
import io.github.xgbcontainer.config.InputDataConfig;
import io.github.xgbcontainer.config.JsonFiles;
import io.github.xgbcontainer.config.ResourceConfig;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.hyperparameters.Hyperparameters;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The configuration files of one training job, read once into typed values and checked against
 * each other: the hyperparameters, the channels and the hosts. {@code checkpointconfig.json} is read
 * only when asked for ({@link #checkpointFolder}), once this host knows it trains: a host without
 * data leaves before.
 */
public final class TrainingInputs {

  private static final Logger LOG = Logger.getLogger(TrainingInputs.class.getName());

  private final SageMakerPaths paths;
  private final Map<String, String> given;
  private final Hyperparameters hyperparameters;
  private final InputDataConfig channels;
  private final ResourceConfig resources;

  private TrainingInputs(SageMakerPaths paths, Map<String, String> given, Hyperparameters hyperparameters,
      InputDataConfig channels, ResourceConfig resources) {
    this.paths = paths;
    this.given = Map.copyOf(given);
    this.hyperparameters = hyperparameters;
    this.channels = channels;
    this.resources = resources;
  }

  /**
   * Reads the hyperparameters (logging their warnings), the channels and the hosts, in that order,
   * and fails on the first file or combination that is wrong.
   */
  public static TrainingInputs load(SageMakerPaths paths) {
    Map<String, String> given = JsonFiles.readStringMap(paths.hyperparameters());
    Hyperparameters hp = Hyperparameters.parse(given);
    hp.warnings().forEach(LOG::warning);
    InputDataConfig channels = InputDataConfig.load(paths.inputDataConfig(), paths.dataDir());
    ResourceConfig resources = ResourceConfig.load(paths.resourceConfig());
    hp.checkChannels(channels.validation().isPresent());
    if (resources.hosts().size() > 1 && hp.kfold().isPresent()) {
      throw new UserError("hyperparameter '_kfold': cross-validation runs on one host; perhaps you should use "
          + "InstanceCount 1 or remove _kfold");
    }
    return new TrainingInputs(paths, given, hp, channels, resources);
  }

  /** The hyperparameters as {@code hyperparameters.json} gives them (strings), for the report. */
  public Map<String, String> given() {
    return given;
  }

  public Hyperparameters hyperparameters() {
    return hyperparameters;
  }

  public InputDataConfig channels() {
    return channels;
  }

  public ResourceConfig resources() {
    return resources;
  }

  /** Whether the job runs on several hosts. */
  public boolean multiHost() {
    return resources.hosts().size() > 1;
  }

  /**
   * Opens this job's channels.
   *
   * @param threads parser threads
   */
  public ChannelOpener channelOpener(int threads) {
    return new ChannelOpener(paths, channels, hyperparameters, threads);
  }

  /**
   * The folder SageMaker syncs checkpoints with, read from {@code checkpointconfig.json} on each
   * call; empty when the job has no checkpoint configuration.
   */
  public Optional<Path> checkpointFolder() {
    // without a LocalPath, the base folder's: a job run under SAGEMAKER_BASE_DIR stays out of the host's /opt/ml
    return CheckpointConfig.load(paths.checkpointConfig(), paths.checkpointDir()).map(c -> {
      LOG.info("checkpoints: " + c.localPath() + (c.s3Uri() == null ? "" : " (SageMaker syncs it with " + c.s3Uri() + ")"));
      return c.localPath();
    });
  }
}
