package io.github.xgbcontainer.train;

import io.github.xgbcontainer.channel.ChannelSource;
import io.github.xgbcontainer.channel.FolderChannel;
import io.github.xgbcontainer.channel.PipeChannel;
import io.github.xgbcontainer.channel.RecordIoWrappedChannel;
import io.github.xgbcontainer.config.ChannelConfig;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputDataConfig;
import io.github.xgbcontainer.config.JsonFiles;
import io.github.xgbcontainer.config.ResourceConfig;
import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.data.ChannelReader;
import io.github.xgbcontainer.data.parquet.ParquetReader;
import io.github.xgbcontainer.data.recordio.ProtobufRecordReader;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.hyperparameters.Hyperparameters;
import io.github.xgbcontainer.matrix.MatrixFactory;
import io.github.xgbcontainer.matrix.MatrixOptions;
import io.github.xgbcontainer.output.ModelOutputs;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
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

  /** How long a Pipe-mode channel waits for SageMaker to open its FIFO ({@code xgbc.pipeOpenSeconds}). */
  static final Duration PIPE_OPEN_TIMEOUT = Duration.ofSeconds(Long.getLong("xgbc.pipeOpenSeconds", 600));
  /** How long an opened FIFO may stay silent before its first byte ({@code xgbc.pipeFirstByteSeconds}). */
  static final Duration PIPE_FIRST_BYTE_TIMEOUT = Duration.ofSeconds(Long.getLong("xgbc.pipeFirstByteSeconds", 600));

  private final SageMakerPaths paths;
  private final Consumer<String> metricOut;
  private final int threads;

  /**
   * @param paths the {@code /opt/ml} layout
   * @param metricOut where metric lines go (standard output in the container)
   * @param threads parser and native threads
   */
  public TrainingJob(SageMakerPaths paths, Consumer<String> metricOut, int threads) {
    this.paths = paths;
    this.metricOut = metricOut;
    this.threads = threads;
  }

  /** Runs the job. */
  public void run() {
    long start = System.nanoTime();
    Hyperparameters hp = Hyperparameters.parse(JsonFiles.readStringMap(paths.hyperparameters()));
    InputDataConfig channels = InputDataConfig.load(paths.inputDataConfig(), paths.dataDir());
    ResourceConfig resources = ResourceConfig.load(paths.resourceConfig());
    if (resources.hosts().size() > 1) {
      throw new UserError("this container does not yet train on several hosts (resourceconfig.json lists "
          + resources.hosts().size() + "): use InstanceCount 1");
    }
    hp.checkChannels(channels.validation().isPresent());

    try (ChannelData train = read(channels.train(), hp);
         ChannelData validation = channels.validation().map(c -> read(c, hp)).orElse(null)) {
      int features = train.features();
      LOG.info("channels read: " + MemoryUsage.describe());
      ChannelData validationData = validation == null ? null : alignFeatures(train, validation,
          channels.validation().get().contentType());
      hp.checkFeatureCount(features);
      checkLabels(train, hp);
      if (validationData != null) {
        checkLabels(validationData, hp);
      }
      MatrixOptions options = matrixOptions(hp);
      MatrixFactory matrices = new MatrixFactory();
      DMatrix dtrain = matrices.build(train, options, null);
      LOG.info("training matrix: " + MatrixFactory.pathOf(dtrain).description() + "; " + MemoryUsage.describe());
      DMatrix dval = null;
      try {
        dval = validationData == null ? null : matrices.build(validationData, options, dtrain);
        train.close();
        if (validation != null) {
          validation.close();
        }
        LOG.info("parsed rows released: " + MemoryUsage.describe());
        Trainer trainer = new Trainer(hp, metricOut, LOG::info, 5_000);
        TrainingResult result = trainer.train(dtrain, Optional.ofNullable(dval));
        try {
          writeOutputs(result, hp, features, start);
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
  }

  /** Quantised matrices serve the histogram tree methods; exact trees and linear boosters need raw values. */
  private MatrixOptions matrixOptions(Hyperparameters hp) {
    Object maxBin = hp.xgboostParams().getOrDefault("max_bin", 256);
    boolean quantile = !hp.booster().equals("gblinear")
        && (hp.treeMethod().equals("hist") || hp.treeMethod().equals("auto"));
    return new MatrixOptions(Float.NaN, Integer.parseInt(maxBin.toString()), threads, quantile);
  }

  private ChannelData read(ChannelConfig channel, Hyperparameters hp) {
    String name = channel.name();
    ContentType type = channel.contentType();
    LOG.info("channel '" + name + "': " + type.mimeType() + ", " + channel.inputMode().wireName() + " mode"
        + (channel.sharded() ? ", ShardedByS3Key" : ", FullyReplicated")
        + (channel.recordIoWrapped() ? ", RecordWrapperType RecordIO" : ""));
    ChannelSource source = switch (channel.inputMode()) {
      case PIPE -> {
        Path pipe = paths.channelPipe(name, 0);
        LOG.info("channel '" + name + "': reading pipe " + pipe + " (epoch 0) as a stream");
        yield new PipeChannel(name, pipe, PIPE_OPEN_TIMEOUT, PIPE_FIRST_BYTE_TIMEOUT);
      }
      // FastFile mounts stream from S3 as they are read: the folder is listed once and each file
      // read once, front to back, exactly as in File mode.
      case FILE, FAST_FILE -> FolderChannel.list(name, paths.channelDir(name));
    };
    if (channel.recordIoWrapped()) {
      source = new RecordIoWrappedChannel(source, type.isText());
    }
    ChannelReader reader = switch (type) {
      case CSV, LIBSVM -> new ChannelReader(type, hp.csvWeights(), threads);
      case PARQUET -> new ChannelReader(type, new ParquetReader(spoolDir()));
      case RECORDIO_PROTOBUF -> new ChannelReader(type, new ProtobufRecordReader());
    };
    return reader.read(source);
  }

  /** Where a piped Parquet stream is written before it is read: the JVM's temporary folder. */
  private static Path spoolDir() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** Validation must have the training channel's features: CSV exactly, LibSVM at most as many. */
  private static ChannelData alignFeatures(ChannelData train, ChannelData validation, ContentType type) {
    if (validation.features() == train.features()) {
      return validation;
    }
    if (type != ContentType.CSV && type != ContentType.PARQUET && validation.features() < train.features()) {
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
