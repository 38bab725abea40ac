package io.github.xgbcontainer.train;

import io.github.xgbcontainer.channel.FolderChannel;
import io.github.xgbcontainer.config.ChannelConfig;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputDataConfig;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.config.JsonFiles;
import io.github.xgbcontainer.config.ResourceConfig;
import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.data.ChannelReader;
import io.github.xgbcontainer.distributed.Cluster;
import io.github.xgbcontainer.distributed.ClusterSettings;
import io.github.xgbcontainer.distributed.Training;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.hyperparameters.Hyperparameters;
import io.github.xgbcontainer.matrix.MatrixFactory;
import io.github.xgbcontainer.matrix.MatrixOptions;
import io.github.xgbcontainer.output.AtomicFiles;
import io.github.xgbcontainer.output.ModelOutputs;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Logger;
import ml.dmlc.xgboost4j.java.DMatrix;

/**
 * One host's training job, start to finish: read the configuration, read the channels, train,
 * write the model and the reports. Errors propagate as {@link io.github.xgbcontainer.error.ContainerException}s;
 * the caller writes the failure file.
 */
public final class TrainingJob {

  private static final Logger LOG = Logger.getLogger(TrainingJob.class.getName());

  private final SageMakerPaths paths;
  private final Consumer<String> metricOut;
  private final int threads;
  private final Map<String, String> env;

  /**
   * For tests of multi-host training only: a folder where every rank writes its booster, so that
   * they can be compared. Production leaves it unset: only the leader writes {@code model/}.
   */
  public static final String RANK_MODEL_DIR_ENV = "SM_DEBUG_RANK_MODEL_DIR";

  /**
   * @param paths the {@code /opt/ml} layout
   * @param metricOut where metric lines go (standard output in the container)
   * @param threads parser and native threads
   */
  public TrainingJob(SageMakerPaths paths, Consumer<String> metricOut, int threads) {
    this(paths, metricOut, threads, System.getenv());
  }

  /**
   * @param env the environment: the {@link ClusterSettings} variables and {@link #RANK_MODEL_DIR_ENV}
   */
  public TrainingJob(SageMakerPaths paths, Consumer<String> metricOut, int threads, Map<String, String> env) {
    this.paths = paths;
    this.metricOut = metricOut;
    this.threads = threads;
    this.env = Map.copyOf(env);
  }

  /** Runs the job. */
  public void run() {
    long start = System.nanoTime();
    Hyperparameters hp = Hyperparameters.parse(JsonFiles.readStringMap(paths.hyperparameters()));
    InputDataConfig channels = InputDataConfig.load(paths.inputDataConfig(), paths.dataDir());
    ResourceConfig resources = ResourceConfig.load(paths.resourceConfig());
    hp.checkChannels(channels.validation().isPresent());
    boolean distributed = resources.hosts().size() > 1;
    // With ShardedByS3Key a host may get no files; it says so in the roster and leaves.
    Optional<String> missing = distributed ? missingShard(channels) : Optional.empty();
    if (missing.isPresent()) {
      Cluster.Role role = Cluster.form(resources, ClusterSettings.fromEnvironment(env),
          Cluster.Shard.without(missing.get()), LOG::info);
      if (role instanceof Training t) {
        t.abandon(); // not reached: a host without data never trains
      }
      LOG.info(((Cluster.Leave) role).reason());
      return;
    }

    try (ChannelData train = read(channels.train(), hp);
         ChannelData validation = channels.validation().map(c -> read(c, hp)).orElse(null)) {
      LOG.info("channels read: " + MemoryUsage.describe());
      ChannelData validationData = validation == null ? null : alignFeatures(train, validation,
          channels.validation().get().contentType());
      hp.checkFeatureCount(train.features());
      checkLabels(train, hp);
      if (validationData != null) {
        checkLabels(validationData, hp);
      }
      Training cluster = null;
      if (distributed) {
        cluster = (Training) Cluster.form(resources, ClusterSettings.fromEnvironment(env),
            Cluster.Shard.of(train.features()), LOG::info);
      }
      try {
        train(hp, train, validation, validationData, cluster, start);
      } catch (RuntimeException e) {
        throw cluster == null ? e : cluster.explain(e);
      }
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  /** Why this host has no data, when a ShardedByS3Key channel gave it no files. */
  private Optional<String> missingShard(InputDataConfig channels) {
    List<ChannelConfig> used = new ArrayList<>();
    used.add(channels.train());
    channels.validation().ifPresent(used::add);
    for (ChannelConfig channel : used) {
      if (!channel.sharded() || channel.inputMode() == InputMode.PIPE) {
        continue;
      }
      Path folder = paths.channelDir(channel.name());
      if (!Files.isDirectory(folder) || FolderChannel.list(channel.name(), folder).streams().isEmpty()) {
        return Optional.of("no files in channel '" + channel.name() + "' (ShardedByS3Key)");
      }
    }
    return Optional.empty();
  }

  /**
   * Builds the matrices and trains; on several hosts, inside the training group, where XGBoost
   * merges the quantile sketches and histograms of all hosts, and only the leader prints and writes.
   */
  private void train(Hyperparameters hp, ChannelData train, ChannelData validation, ChannelData validationData,
      Training cluster, long start) {
    boolean leader = cluster == null || cluster.isLeader();
    int features = cluster == null ? train.features() : cluster.features();
    ChannelData trainData = train;
    if (features != train.features()) {
      // LibSVM shards: the widest host decides; XGBoost agrees on the column count the same way
      trainData = new ChannelData(train.channel(), train.batches(), features);
      if (validationData != null) {
        validationData = new ChannelData(validationData.channel(), validationData.batches(), features);
      }
    }
    MatrixOptions options = matrixOptions(hp);
    MatrixFactory matrices = new MatrixFactory();
    DMatrix dtrain = matrices.build(trainData, options, null);
    LOG.info("training matrix: " + MatrixFactory.pathOf(dtrain).description() + "; " + MemoryUsage.describe());
    DMatrix dval = null;
    try {
      dval = validationData == null ? null : matrices.build(validationData, options, dtrain);
      train.close();
      if (validation != null) {
        validation.close();
      }
      LOG.info("parsed rows released: " + MemoryUsage.describe());
      Consumer<String> lines = leader ? metricOut : line -> { };
      Trainer trainer = new Trainer(hp, lines, LOG::info, 5_000);
      TrainingResult result = trainer.train(dtrain, Optional.ofNullable(dval));
      try {
        if (cluster != null) {
          writeRankModel(result, cluster);
        }
        if (leader) {
          writeOutputs(result, hp, features, start);
        } else {
          LOG.info(String.format(java.util.Locale.ROOT, "trained %d rounds as rank %d of %d; the leader writes "
              + "the model (%.1f s in all; %s)", result.history().size(), cluster.rank(), cluster.size(),
              (System.nanoTime() - start) / 1e9, MemoryUsage.describe()));
        }
      } finally {
        result.booster().dispose();
      }
    } finally {
      dtrain.dispose();
      if (dval != null) {
        dval.dispose();
      }
    }
  }

  /** Test hook: with {@link #RANK_MODEL_DIR_ENV} set, every rank writes its booster there as {@code rank-N.ubj}. */
  private void writeRankModel(TrainingResult result, Training cluster) {
    String dir = env.get(RANK_MODEL_DIR_ENV);
    if (dir == null || dir.isBlank()) {
      return;
    }
    try {
      AtomicFiles.write(Path.of(dir).resolve("rank-" + cluster.rank() + ".ubj"), result.booster().toByteArray("ubj"));
    } catch (ml.dmlc.xgboost4j.java.XGBoostError | RuntimeException e) {
      LOG.warning("cannot write this rank's model to " + dir + ": " + e.getMessage());
    }
  }

  /** Quantised matrices serve the histogram tree methods; exact trees and linear boosters need raw values. */
  private MatrixOptions matrixOptions(Hyperparameters hp) {
    Object maxBin = hp.xgboostParams().getOrDefault("max_bin", 256);
    boolean quantile = !hp.booster().equals("gblinear")
        && (hp.treeMethod().equals("hist") || hp.treeMethod().equals("auto"));
    return new MatrixOptions(Float.NaN, Integer.parseInt(maxBin.toString()), threads, quantile);
  }

  private ChannelData read(ChannelConfig channel, Hyperparameters hp) {
    if (channel.inputMode() == InputMode.PIPE) {
      throw new UserError("channel '" + channel.name() + "': TrainingInputMode 'Pipe' is not supported yet; use File or FastFile");
    }
    LOG.info("channel '" + channel.name() + "': " + channel.contentType().mimeType() + ", "
        + channel.inputMode().wireName() + " mode" + (channel.sharded() ? ", ShardedByS3Key" : ", FullyReplicated"));
    FolderChannel source = FolderChannel.list(channel.name(), paths.channelDir(channel.name()));
    return new ChannelReader(channel.contentType(), hp.csvWeights(), threads).read(source);
  }

  /** Validation must have the training channel's features: CSV exactly, LibSVM at most as many. */
  private static ChannelData alignFeatures(ChannelData train, ChannelData validation, ContentType type) {
    if (validation.features() == train.features()) {
      return validation;
    }
    if (type == ContentType.LIBSVM && validation.features() < train.features()) {
      return new ChannelData(validation.channel(), validation.batches(), train.features());
    }
    throw new UserError("channel 'train' has " + train.features() + " features but channel 'validation' has "
        + validation.features() + ": both channels must have the same feature columns in the same order");
  }

  private static void checkLabels(ChannelData data, Hyperparameters hp) {
    Hyperparameters.LabelCheck check = hp.labelCheck();
    long row = 0;
    for (Batch batch : data.batches()) {
      FloatBuffer labels = batch.labels();
      for (int i = 0; i < batch.rows(); i++, row++) {
        Optional<String> problem = check.problem(labels.get(i));
        if (problem.isPresent()) {
          throw new UserError("channel '" + data.channel() + "', row " + (row + 1) + ": " + problem.get());
        }
      }
    }
  }

  private void writeOutputs(TrainingResult result, Hyperparameters hp, int features, long startNanos) {
    ModelOutputs outputs = new ModelOutputs(paths);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("rounds", result.history().size());
    summary.put("num_round", hp.numRound());
    result.earlyStopping().ifPresent(s -> {
      summary.put("stopping_metric", s.key());
      summary.put("best_iteration", s.bestRound());
      summary.put("best_score", s.bestScore());
    });
    summary.put("stopped_early", result.stoppedEarly());
    List<Map<String, Double>> history = result.history().stream().map(EvaluationLine::scores).toList();
    outputs.writeEvaluationHistory(history, summary);
    outputs.writeFeatureImportance(result.booster(), features);
    outputs.writeModel(result.booster());
    LOG.info(String.format(java.util.Locale.ROOT, "model written to %s after %d rounds (%.1f s in all; %s)",
        paths.modelFile(), result.history().size(), (System.nanoTime() - startNanos) / 1e9, MemoryUsage.describe()));
  }
}
