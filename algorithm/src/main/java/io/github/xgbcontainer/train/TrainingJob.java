package io.github.xgbcontainer.train;

import io.github.xgbcontainer.channel.ChannelSource;
import io.github.xgbcontainer.channel.FolderChannel;
import io.github.xgbcontainer.channel.PipeChannel;
import io.github.xgbcontainer.channel.RecordIoWrappedChannel;
import io.github.xgbcontainer.checkpoint.Checkpoint;
import io.github.xgbcontainer.checkpoint.CheckpointStore;
import io.github.xgbcontainer.config.ChannelConfig;
import io.github.xgbcontainer.config.CheckpointConfig;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputDataConfig;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.config.JsonFiles;
import io.github.xgbcontainer.config.ResourceConfig;
import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.BatchCache;
import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.data.ChannelReader;
import io.github.xgbcontainer.data.RowSelection;
import io.github.xgbcontainer.data.parquet.ParquetReader;
import io.github.xgbcontainer.data.recordio.ProtobufRecordReader;
import io.github.xgbcontainer.distributed.Cluster;
import io.github.xgbcontainer.distributed.ClusterSettings;
import io.github.xgbcontainer.distributed.Training;
import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.ContainerException;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.hyperparameters.Hyperparameters;
import io.github.xgbcontainer.matrix.MatrixFactory;
import io.github.xgbcontainer.matrix.MatrixOptions;
import io.github.xgbcontainer.matrix.MatrixPath;
import io.github.xgbcontainer.output.AtomicFiles;
import io.github.xgbcontainer.output.ModelOutputs;
import io.github.xgbcontainer.report.JobReport;
import io.github.xgbcontainer.report.ReportWriter;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.awt.AWTError;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * One host's training job, start to finish: read the configuration, read the channels, train,
 * write the model and the reports. Errors propagate as {@link io.github.xgbcontainer.error.ContainerException}s;
 * the caller writes the failure file.
 */
public final class TrainingJob {

  private static final Logger LOG = Logger.getLogger(TrainingJob.class.getName());
  private static final int KEEP_CHECKPOINTS = 3;

  /** How long a Pipe-mode channel waits for SageMaker to open its FIFO ({@code xgbc.pipeOpenSeconds}). */
  static final Duration PIPE_OPEN_TIMEOUT = Duration.ofSeconds(Long.getLong("xgbc.pipeOpenSeconds", 600));
  /** How long an opened FIFO may stay silent before its first byte ({@code xgbc.pipeFirstByteSeconds}). */
  static final Duration PIPE_FIRST_BYTE_TIMEOUT = Duration.ofSeconds(Long.getLong("xgbc.pipeFirstByteSeconds", 600));

  private final SageMakerPaths paths;
  private final Consumer<String> metricOut;
  private final int threads;
  private final BooleanSupplier stopRequested;
  private final Map<String, String> env;
  /** External memory's cache for this run, set by {@link #run()} before any channel is read; null: in memory. */
  private BatchCache cache;

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
    this(paths, metricOut, threads, Termination.never(), System.getenv());
  }

  /**
   * @param stopRequested raised by SIGTERM: training stops after the current round with a checkpoint
   */
  public TrainingJob(SageMakerPaths paths, Consumer<String> metricOut, int threads, BooleanSupplier stopRequested) {
    this(paths, metricOut, threads, stopRequested, System.getenv());
  }

  /**
   * @param env the environment: the {@link ClusterSettings} variables and {@link #RANK_MODEL_DIR_ENV}
   */
  public TrainingJob(SageMakerPaths paths, Consumer<String> metricOut, int threads, BooleanSupplier stopRequested,
      Map<String, String> env) {
    this.paths = paths;
    this.metricOut = metricOut;
    this.threads = threads;
    this.stopRequested = stopRequested;
    this.env = Map.copyOf(env);
  }

  /** Runs the job. */
  public void run() {
    long start = System.nanoTime();
    Timings timings = new Timings();
    Map<String, String> given = JsonFiles.readStringMap(paths.hyperparameters());
    Hyperparameters hp = Hyperparameters.parse(given);
    hp.warnings().forEach(LOG::warning);
    InputDataConfig channels = InputDataConfig.load(paths.inputDataConfig(), paths.dataDir());
    ResourceConfig resources = ResourceConfig.load(paths.resourceConfig());
    hp.checkChannels(channels.validation().isPresent());
    boolean distributed = resources.hosts().size() > 1;
    if (distributed && hp.kfold().isPresent()) {
      throw new UserError("hyperparameter '_kfold': cross-validation runs on one host; perhaps you should use "
          + "InstanceCount 1 or remove _kfold");
    }
    // With ShardedByS3Key a host may get no files; it says so in the roster and leaves.
    // Each folder is listed once: a FastFile folder may be served on demand and must not be listed again.
    Map<String, FolderChannel> listed = new HashMap<>();
    Optional<String> missing = distributed ? missingShard(channels, listed) : Optional.empty();
    if (missing.isPresent()) {
      Cluster.Role role = Cluster.form(resources, ClusterSettings.fromEnvironment(env),
          Cluster.Shard.without(missing.get()), LOG::info);
      if (role instanceof Training t) {
        t.abandon(); // not reached: a host without data never trains
      }
      LOG.info(((Cluster.Leave) role).reason());
      return;
    }
    Optional<CheckpointStore> checkpoints = CheckpointConfig.load(paths.checkpointConfig())
        .map(c -> new CheckpointStore(c.localPath(), KEEP_CHECKPOINTS));

    boolean grouped = false; // whether this host reached the roster: before that, a failure is told to the others
    try (BatchCache spill = cache = MemoryBudget.prepare(hp, channels, paths, env, LOG::info);
         ChannelData train = read(channels.train(), hp, listed);
         ChannelData validation = channels.validation().map(c -> read(c, hp, listed)).orElse(null)) {
      LOG.info("channels read: " + MemoryUsage.describe());
      ChannelData validationData = validation == null ? null : alignFeatures(train, validation,
          channels.validation().get().contentType());
      hp.checkFeatureCount(train.features());
      checkLabels(train, hp);
      if (validationData != null) {
        checkLabels(validationData, hp);
      }
      List<JobReport.ChannelShape> shapes = new ArrayList<>();
      shapes.add(new JobReport.ChannelShape(train.channel(), train.rows(), train.features()));
      if (validationData != null) {
        shapes.add(new JobReport.ChannelShape(validationData.channel(), validationData.rows(), validationData.features()));
      }
      timings.lap("read and check data");
      if (hp.kfold().isPresent()) {
        crossValidate(hp, train, validationData);
        return;
      }
      Training cluster = null;
      if (distributed) {
        grouped = true;
        cluster = (Training) Cluster.form(resources, ClusterSettings.fromEnvironment(env),
            Cluster.Shard.of(train.features()), LOG::info);
      }
      try {
        train(hp, given, train, validation, validationData, shapes, checkpoints, cluster, timings, start);
      } catch (RuntimeException e) {
        throw cluster == null ? e : cluster.explain(e);
      }
      if (cluster != null) {
        cluster.close();
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      if (distributed && !grouped) {
        // the others would wait for this host in the roster until SM_HOST_WAIT_SECONDS
        Cluster.reportFailure(resources, ClusterSettings.fromEnvironment(env), e instanceof ContainerException c
            ? c.kind() : e instanceof OutOfMemoryError ? ContainerException.Kind.PLATFORM
            : ContainerException.Kind.ALGORITHM, LOG::info);
      }
      throw e;
    }
  }

  /** Why this host has no data, when a ShardedByS3Key channel gave it no files. */
  private Optional<String> missingShard(InputDataConfig channels, Map<String, FolderChannel> listed) {
    List<ChannelConfig> used = new ArrayList<>();
    used.add(channels.train());
    channels.validation().ifPresent(used::add);
    for (ChannelConfig channel : used) {
      if (!channel.sharded() || channel.inputMode() == InputMode.PIPE) {
        continue;
      }
      Path folder = paths.channelDir(channel.name());
      if (!Files.isDirectory(folder) || folder(channel, listed).streams().isEmpty()) {
        return Optional.of("no files in channel '" + channel.name() + "' (ShardedByS3Key)");
      }
      if (folder(channel, listed).onlyEmptyFiles()) {
        // Spark writes an empty part- file for an empty partition: that host has no rows either
        return Optional.of("only empty files in channel '" + channel.name() + "' (ShardedByS3Key)");
      }
    }
    return Optional.empty();
  }

  /**
   * Builds the matrices and trains; on several hosts, inside the training group, where XGBoost
   * merges the quantile sketches and histograms of all hosts, and only the leader prints and writes.
   */
  private void train(Hyperparameters hp, Map<String, String> given, ChannelData train, ChannelData validation,
      ChannelData validationData, List<JobReport.ChannelShape> shapes, Optional<CheckpointStore> checkpoints,
      Training cluster, Timings timings, long start) {
    boolean leader = cluster == null || cluster.isLeader();
    int features = cluster == null ? train.features() : cluster.features();
    List<String> featureNames = train.featureNames().size() == features ? train.featureNames()
        : ModelOutputs.defaultFeatureNames(features);
    ChannelData trainData = train;
    if (features != train.features()) {
      // LibSVM shards: the widest host decides; XGBoost agrees on the column count the same way
      trainData = train.withFeatures(features);
      if (validationData != null) {
        validationData = validationData.withFeatures(features);
      }
    }
    MatrixOptions options = matrixOptions(hp);
    if (cache != null) {
      options = new MatrixOptions(options.missing(), options.maxBin(), options.nthread(), true, cache);
    }
    MatrixFactory matrices = new MatrixFactory();
    DMatrix dtrain = matrices.build(trainData, options, null);
    LOG.info("training matrix: " + MatrixFactory.pathOf(dtrain).description() + "; " + MemoryUsage.describe());
    DMatrix dval = null;
    DMatrix dshap = null;
    try {
      dval = validationData == null ? null : matrices.build(validationData, options, dtrain);
      if (hp.shap() && dval != null && leader) {
        // SHAP needs raw values; a QuantileDMatrix holds bins, so keep a plain copy of validation.
        dshap = MatrixFactory.pathOf(dval) == MatrixPath.PLAIN ? dval : matrices.build(validationData,
            options.inMemory(false), null);
      }
      if (cache != null) {
        LOG.info(String.format(java.util.Locale.ROOT, "external-memory cache %s: %.1f MiB on disk after building",
            cache.dir(), cache.diskBytes() / 1048576.0));
      }
      train.close();
      if (validation != null) {
        validation.close();
      }
      LOG.info("parsed rows released: " + MemoryUsage.describe());
      timings.lap("build matrices");
      if (stopRequested.getAsBoolean()) {
        LOG.warning("stop requested before training started: nothing to checkpoint, exiting");
        return;
      }
      Consumer<String> lines = leader ? metricOut : line -> { };
      Optional<CheckpointStore> writer = leader ? checkpoints : Optional.empty();
      Trainer trainer = new Trainer(hp, lines, LOG::info, LOG::warning, 5_000,
          cluster == null ? java.util.function.UnaryOperator.identity() : cluster::sumExact);
      Optional<Trainer.Resume> resume = checkpoints.flatMap(this::resume);
      if (cluster != null && checkpoints.isPresent()) {
        cluster.checkResumeRound(resume.map(Trainer.Resume::rounds).orElse(0));
      }
      TrainingResult result = trainer.train(dtrain, Optional.ofNullable(dval), extraParams(checkpoints),
          resume, checkpointWriter(hp, writer), stopRequested);
      timings.lap("train");
      // Nothing after training reads these (the model, importance and SHAP need the booster and
      // dshap only): free the quantised data before the outputs and charts are made.
      dtrain.dispose();
      if (dval != null && dval != dshap) {
        dval.dispose();
      }
      try {
        if (cluster != null) {
          writeRankModel(result, cluster);
        }
        if (result.terminated()) {
          LOG.warning("stopped by request after " + result.history().size() + " rounds"
              + checkpoints.map(c -> "; the checkpoint in " + c.dir() + " resumes it").orElse(""));
          if (hp.saveModelOnTermination() && leader) {
            new ModelOutputs(paths).writeModel(result.booster());
            LOG.info("save_model_on_termination: model of " + result.history().size() + " rounds written to "
                + paths.modelFile());
          }
          return;
        }
        if (leader) {
          writeOutputs(result, hp, given, featureNames, shapes, dshap, timings, start);
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
      if (dshap != null && dshap != dval) {
        dshap.dispose();
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
      // the bytes the leader writes as the model, so that the ranks compare with it as they are
      AtomicFiles.write(Path.of(dir).resolve("rank-" + cluster.rank() + ".ubj"), ModelOutputs.modelBytes(result.booster()));
    } catch (RuntimeException e) {
      LOG.warning("cannot write this rank's model to " + dir + ": " + e.getMessage());
    }
  }

  /**
   * {@code _kfold}: cross-validation on the train channel plus the validation channel's rows. The
   * fold models go to {@code model/xgboost-model-<i>} (as the official image names them), the
   * out-of-fold predictions to {@code output/data/predictions.csv}, every fold's scores to
   * {@code output/data/cross_validation.json}. All are written only once every fold has trained.
   */
  private void crossValidate(Hyperparameters hp, ChannelData train, ChannelData validation) {
    List<Batch> all = new ArrayList<>(train.batches());
    if (validation != null) {
      all.addAll(validation.batches());
    }
    int[] groups = train.groups();
    if (validation != null && validation.hasGroups() != train.hasGroups()) {
      throw new UserError("channel '" + (train.hasGroups() ? "validation" : "train") + "' has no query ids but channel '"
          + (train.hasGroups() ? "train" : "validation") + "' has: cross-validation joins their rows, so either both"
          + " need them or neither");
    }
    if (validation != null && groups != null) {
      int[] more = validation.groups();
      groups = java.util.Arrays.copyOf(groups, groups.length + more.length);
      System.arraycopy(more, 0, groups, groups.length - more.length, more.length);
    }
    ChannelData data = new ChannelData(validation == null ? "train" : "train+validation", all, train.features(), groups);
    CrossValidation.Result result = new CrossValidation(hp, new MatrixFactory(), matrixOptions(hp), metricOut,
        LOG::info).run(data);
    ModelOutputs outputs = new ModelOutputs(paths);
    StringBuilder csv = new StringBuilder("row,label");
    int repeats = result.folds().length;
    int outputsPerRow = result.predictions()[0][0].length;
    for (int r = 1; r <= repeats; r++) {
      String suffix = repeats == 1 ? "" : "_" + r;
      csv.append(",fold").append(suffix);
      for (int c = 0; c < outputsPerRow; c++) {
        csv.append(",prediction").append(suffix).append(outputsPerRow == 1 ? "" : "_" + c);
      }
    }
    csv.append('\n');
    for (int row = 0; row < result.labels().length; row++) {
      csv.append(row).append(',').append(result.labels()[row]);
      for (int r = 0; r < repeats; r++) {
        csv.append(',').append(result.folds()[r][row]);
        for (float p : result.predictions()[r][row]) {
          csv.append(',').append(p);
        }
      }
      csv.append('\n');
    }
    AtomicFiles.write(paths.outputDataDir().resolve("predictions.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kfold", hp.kfold().getAsInt());
    doc.put("repeats", repeats);
    doc.put("folds", result.foldScores());
    outputs.writeJson("cross_validation.json", doc);
    for (int i = 0; i < result.models().size(); i++) {
      AtomicFiles.write(paths.modelDir().resolve("xgboost-model-" + i), result.models().get(i));
    }
    LOG.info("cross-validation: " + result.models().size() + " fold models written to " + paths.modelDir()
        + ", out-of-fold predictions to " + paths.outputDataDir().resolve("predictions.csv"));
  }

  /**
   * With checkpoints, each round draws its random numbers from the seed and the round number, so
   * a resumed job samples exactly as an uninterrupted one would and builds the same model.
   */
  private static Map<String, Object> extraParams(Optional<CheckpointStore> checkpoints) {
    return checkpoints.isPresent() ? Map.of("seed_per_iteration", true) : Map.of();
  }

  private Optional<Trainer.Resume> resume(CheckpointStore store) {
    int[] heldRounds = new int[1];
    return store.latest(plain -> {
      heldRounds[0] = roundsIn(plain);
      return heldRounds[0] > 0;
    }).map(c -> {
      if (c.withState()) {
        LOG.info("resuming from checkpoint " + c.file());
        return new Trainer.Resume(c.rounds(), c.model(), c.state());
      }
      // A plain model, as the official image leaves them: N in its name is the iteration of its
      // last round, so it holds N + 1 rounds; the model itself says how many it really holds.
      int rounds = heldRounds[0];
      LOG.info("resuming from checkpoint " + c.file() + ", a plain model without trainer state (as the official"
          + " image writes them): iteration " + (c.rounds() - 1) + ", " + rounds + " round(s) done"
          + (rounds == c.rounds() ? "" : " (the model holds " + rounds + ", not " + c.rounds() + " as its name says)")
          + "; earlier rounds' scores are not in the evaluation history");
      return new Trainer.Resume(rounds, c.model(), Map.of());
    });
  }

  /** The rounds a plain checkpoint model holds, or 0 (with a warning) when XGBoost cannot load it. */
  private static int roundsIn(Checkpoint plain) {
    Booster booster = null;
    try {
      booster = XGBoost.loadModel(new java.io.ByteArrayInputStream(plain.model()));
      int rounds = booster.getNumBoostedRound();
      if (rounds < 1) {
        LOG.warning("skipping checkpoint " + plain.file() + ": the model holds no rounds");
      }
      return rounds;
    } catch (XGBoostError | java.io.IOException | RuntimeException e) {
      LOG.warning("skipping checkpoint " + plain.file() + ": XGBoost cannot load it: "
          + XgboostErrors.firstLine(e.getMessage()));
      return 0;
    } finally {
      if (booster != null) {
        booster.dispose();
      }
    }
  }

  /** Writes a checkpoint every {@code checkpoint_frequency} rounds, and always when stopping by request. */
  private static Trainer.RoundListener checkpointWriter(Hyperparameters hp, Optional<CheckpointStore> checkpoints) {
    // on several hosts only the leader writes: the checkpoint folder is shared through S3
    if (checkpoints.isEmpty()) {
      return (booster, state, last) -> { };
    }
    CheckpointStore store = checkpoints.get();
    int frequency = hp.checkpointFrequency();
    return (booster, state, last) -> {
      try {
        // the booster's own count: after a resume without trainer state the history is shorter
        int rounds = booster.getNumBoostedRound();
        if (last || rounds % frequency == 0 || rounds == hp.numRound() || Boolean.TRUE.equals(state.get("stopped_early"))) {
          store.save(rounds, ModelOutputs.modelBytes(booster), state);
        }
      } catch (XGBoostError e) {
        throw new AlgorithmError("cannot serialise the checkpoint model: " + e.getMessage(), e);
      }
    };
  }

  /** Only the hist updater reads a quantised matrix (see Hyperparameters.quantileMatrix); the others need raw values. */
  private MatrixOptions matrixOptions(Hyperparameters hp) {
    Object maxBin = hp.xgboostParams().getOrDefault("max_bin", 256);
    return new MatrixOptions(Float.NaN, Integer.parseInt(maxBin.toString()), threads, hp.quantileMatrix());
  }

  /** A File or FastFile channel's folder, listed on the first call for it and kept in {@code listed}. */
  private FolderChannel folder(ChannelConfig channel, Map<String, FolderChannel> listed) {
    return listed.computeIfAbsent(channel.name(), name -> FolderChannel.list(name, paths.channelDir(name), channel.inputMode()));
  }

  private ChannelData read(ChannelConfig channel, Hyperparameters hp, Map<String, FolderChannel> listed) {
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
      // read once, front to back, exactly as in File mode. The local command serves FastFile as
      // FIFOs written on demand in the same order (sagemaker.ChannelFiles).
      case FILE, FAST_FILE -> {
        FolderChannel folder = folder(channel, listed);
        if (folder.fifos() > 0) {
          LOG.info("channel '" + name + "': " + folder.fifos() + " of " + folder.streams().size() + " file(s) are FIFOs "
              + "served on demand (FastFile): each is read once, front to back, in path order"
              + (type == ContentType.PARQUET ? "; Parquet needs random access, so each is spooled first" : ""));
        }
        yield folder;
      }
    };
    if (channel.recordIoWrapped()) {
      source = new RecordIoWrappedChannel(source, type.isText());
    }
    ChannelReader reader = switch (type) {
      case CSV, LIBSVM -> new ChannelReader(type, hp.csvWeights(), threads);
      case PARQUET -> new ChannelReader(type, new ParquetReader(spoolDir(), threads));
      case RECORDIO_PROTOBUF -> new ChannelReader(type, new ProtobufRecordReader());
    };
    if (hp.queryColumn().isPresent()) {
      reader = reader.withQueryColumn(hp.queryColumn().getAsInt());
    }
    if (cache != null) {
      reader = reader.withCache(cache);
    }
    ChannelData data = reader.read(source);
    if (hp.ranks() && !data.hasGroups()) {
      LOG.warning("objective " + hp.objective() + " but channel '" + name + "' has no query ids: XGBoost ranks all"
          + " its rows as one query; give LibSVM rows 'qid:' after the label, or set query_column for CSV and Parquet");
    }
    return data;
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
      return validation.withFeatures(train.features());
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

  private void writeOutputs(TrainingResult result, Hyperparameters hp, Map<String, String> given,
      List<String> featureNames, List<JobReport.ChannelShape> shapes, DMatrix dshap, Timings timings,
      long startNanos) {
    List<Map<String, Double>> history = result.history().stream().map(EvaluationLine::scores).toList();
    OptionalInt best = result.earlyStopping().filter(s -> s.bestRound() >= 0).map(s -> OptionalInt.of(s.bestRound()))
        .orElse(OptionalInt.empty());
    // drawn while the model, history and importance are written: the two overlap on two cores
    Map<String, List<Double>> series = ModelOutputs.series(history);
    ReportWriter.LearningCurve curve = ReportWriter.startLearningCurve(series, best);
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
    outputs.writeEvaluationHistory(history, summary);
    Map<String, Map<String, Double>> importance = outputs.writeFeatureImportance(result.booster(), featureNames);
    Optional<Map<String, Double>> shap = dshap == null ? Optional.empty()
        : Optional.of(outputs.writeShapSummary(result.booster(), dshap, "validation", featureNames));
    outputs.writeModel(result.booster());
    timings.lap("write model" + (shap.isPresent() ? ", importance and SHAP" : " and importance"));
    writeReport(() -> new JobReport(given, shapes, timings.seconds(), series, best,
        result.earlyStopping().map(EarlyStopping::key), importance, shap), curve);
    LOG.info(String.format(java.util.Locale.ROOT, "model written to %s after %d rounds (%.1f s in all; %s)",
        paths.modelFile(), result.history().size(), (System.nanoTime() - startNanos) / 1e9, MemoryUsage.describe()));
  }

  /**
   * Charts and report.html. The model is already written: a failure here (such as a machine
   * without fonts) is logged and leaves the job successful.
   */
  private void writeReport(Supplier<JobReport> report, ReportWriter.LearningCurve curve) {
    try {
      new ReportWriter(paths.outputDataDir()).write(report.get(), curve);
      LOG.info("report written to " + paths.outputDataDir().resolve(ReportWriter.REPORT));
    } catch (RuntimeException | LinkageError | AWTError e) {
      LOG.warning("charts and report.html were not written: " + e);
    }
  }

  /** Seconds per phase, in order. */
  private static final class Timings {
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private long last = System.nanoTime();

    void lap(String phase) {
      long now = System.nanoTime();
      seconds.put(phase, (now - last) / 1e9);
      last = now;
    }

    Map<String, Double> seconds() {
      return seconds;
    }
  }
}
