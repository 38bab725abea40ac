package io.github.xgbcontainer.train;

import io.github.xgbcontainer.data.BatchCache;
import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.device.DeviceCheck;
import io.github.xgbcontainer.distributed.Cluster;
import io.github.xgbcontainer.distributed.HostGroup;
import io.github.xgbcontainer.distributed.Training;
import io.github.xgbcontainer.error.ContainerException;
import io.github.xgbcontainer.hyperparameters.Hyperparameters;
import io.github.xgbcontainer.hyperparameters.Objective;
import io.github.xgbcontainer.ingest.ChannelOpener;
import io.github.xgbcontainer.ingest.TrainingData;
import io.github.xgbcontainer.ingest.MemoryBudget;
import io.github.xgbcontainer.ingest.TrainingInputs;
import io.github.xgbcontainer.matrix.MatrixFactory;
import io.github.xgbcontainer.matrix.MatrixOptions;
import io.github.xgbcontainer.matrix.MatrixPath;
import io.github.xgbcontainer.matrix.Predictions;
import io.github.xgbcontainer.output.AtomicFiles;
import io.github.xgbcontainer.output.EffectiveParameters;
import io.github.xgbcontainer.output.ModelEvaluation;
import io.github.xgbcontainer.output.ModelOutputs;
import io.github.xgbcontainer.output.Versions;
import io.github.xgbcontainer.report.CrossValidationReport;
import io.github.xgbcontainer.report.EvaluationCharts;
import io.github.xgbcontainer.report.JobReport;
import io.github.xgbcontainer.report.ReportWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import ml.dmlc.xgboost4j.java.DMatrix;

/**
 * One host's training job, start to finish: read the channels, train, write the model and the
 * reports. The configuration files are read by the caller ({@link TrainingInputs#load}). Errors
 * propagate as {@link io.github.xgbcontainer.error.ContainerException}s; the caller writes the
 * failure file.
 */
public final class TrainingJob {

  private static final Logger LOG = Logger.getLogger(TrainingJob.class.getName());

  /**
   * For tests of multi-host training only: a folder where every rank writes its booster, so that
   * they can be compared. Production leaves it unset: only the leader writes {@code model/}.
   */
  public static final String RANK_MODEL_DIR_ENV = "SM_DEBUG_RANK_MODEL_DIR";

  private final TrainingInputs inputs;
  private final HostGroup hosts;
  private final ModelOutputs outputs;
  private final Consumer<String> metricOut;
  private final int threads;
  private final BooleanSupplier stopRequested;
  private final Map<String, String> env;
  private volatile boolean externalMemory;

  /**
   * @param inputs the job's configuration, read
   * @param hosts the job's hosts
   * @param outputs where the model and the other outputs go
   * @param metricOut where metric lines go (standard output in the container)
   * @param threads parser and native threads
   * @param stopRequested raised by SIGTERM: training stops after the current round with a checkpoint
   * @param env the environment: {@link #RANK_MODEL_DIR_ENV}
   */
  public TrainingJob(TrainingInputs inputs, HostGroup hosts, ModelOutputs outputs, Consumer<String> metricOut,
      int threads, BooleanSupplier stopRequested, Map<String, String> env) {
    this.inputs = inputs;
    this.hosts = hosts;
    this.outputs = outputs;
    this.metricOut = metricOut;
    this.threads = threads;
    this.stopRequested = stopRequested;
    this.env = Map.copyOf(env);
  }

  /**
   * Whether this run trains from external memory: false until the memory budget has chosen it (or the
   * job asked for it), then true, also after a failure, which then need not suggest it.
   */
  public boolean externalMemory() {
    return externalMemory;
  }

  /** Records the memory budget's choice for {@link #externalMemory()}; the cache is null in memory. */
  private BatchCache chosen(BatchCache cache) {
    externalMemory = cache != null;
    return cache;
  }

  /** Runs the job. */
  public void run() {
    long start = System.nanoTime();
    Timings timings = new Timings();
    Hyperparameters hp = inputs.hyperparameters();
    // A GPU that is not here fails the job now, not after the data is read (see DeviceCheck).
    Map<String, String> given = inputs.given();
    DeviceCheck.forTraining(hp.device(), given.containsKey("device") ? "device" : "tree_method",
        given.getOrDefault("device", given.get("tree_method"))).ifPresent(LOG::info);
    boolean distributed = hosts.multiHost();
    ChannelOpener channels = inputs.channelOpener(threads);
    // With ShardedByS3Key a host may get no files; it says so in the roster and leaves.
    Optional<String> missing = distributed ? channels.missingShard() : Optional.empty();
    if (missing.isPresent()) {
      Cluster.Role role = hosts.form(Cluster.Shard.without(missing.get()), LOG::info);
      if (role instanceof Training t) {
        t.abandon(); // not reached: a host without data never trains
      }
      LOG.info(((Cluster.Leave) role).reason());
      return;
    }
    CheckpointPolicy checkpoints = CheckpointPolicy.in(inputs.checkpointFolder());

    boolean grouped = false; // whether this host reached the roster: before that, a failure is told to the others
    // external memory's cache for this run; null: in memory
    try (BatchCache cache = chosen(MemoryBudget.prepare(hp, inputs.channels(), channels::channelDir, env, LOG::info));
         TrainingData read = channels.read(cache)) {
      LOG.info("channels read: " + MemoryUsage.describe());
      // What the readers left on the heap is dead now, and the data is off the heap: a full
      // collection here lets G1 return those pages to the system before XGBoost's build, which is
      // the job's peak (1M x 28 CSV: 246 -> 222-230 MiB for about 30 ms, see the README).
      long collect = System.nanoTime();
      System.gc();
      LOG.info(String.format(java.util.Locale.ROOT, "readers' heap garbage collected in %.0f ms",
          (System.nanoTime() - collect) / 1e6));
      TrainingData data = channels.check(read);
      List<JobReport.ChannelShape> shapes = new ArrayList<>();
      shapes.add(shape(data.train()));
      data.validation().ifPresent(v -> shapes.add(shape(v)));
      timings.lap("read and check data");
      if (hp.kfold().isPresent()) {
        crossValidate(hp, data);
        return;
      }
      Training cluster = null;
      if (distributed) {
        grouped = true;
        cluster = (Training) hosts.form(Cluster.Shard.of(data.train().features()), LOG::info);
      }
      try {
        train(hp, data, cache, shapes, checkpoints, cluster, timings, start);
      } catch (RuntimeException e) {
        throw cluster == null ? e : cluster.explain(e);
      }
      if (cluster != null) {
        cluster.close();
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      if (distributed && !grouped) {
        // the others would wait for this host in the roster until SM_HOST_WAIT_SECONDS
        hosts.reportFailure(e instanceof ContainerException c ? c.kind() : e instanceof OutOfMemoryError
            ? ContainerException.Kind.PLATFORM : ContainerException.Kind.ALGORITHM, LOG::info);
      }
      throw e;
    }
  }

  private static JobReport.ChannelShape shape(ChannelData data) {
    return new JobReport.ChannelShape(data.channel(), data.rows(), data.features());
  }

  /**
   * Builds the matrices and trains; on several hosts, inside the training group, where XGBoost
   * merges the quantile sketches and histograms of all hosts, and only the leader prints and writes.
   */
  private void train(Hyperparameters hp, TrainingData data, BatchCache cache, List<JobReport.ChannelShape> shapes,
      CheckpointPolicy checkpoints, Training cluster, Timings timings, long start) {
    ChannelData train = data.train();
    ChannelData validationData = data.validation().orElse(null);
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
    MatrixOptions options = matrixOptions(hp, cache);
    MatrixFactory matrices = new MatrixFactory();
    // Nothing reads the training rows' feature values once the matrix holds them (validation and
    // SHAP are other channels): they are freed during the build, only labels and weights stay.
    DMatrix dtrain = matrices.buildConsuming(trainData, options);
    LOG.info("training matrix: " + MatrixFactory.pathOf(dtrain).description() + "; "
        + MatrixFactory.releaseNote(dtrain) + "; " + MemoryUsage.describe());
    DMatrix dval = null;
    DMatrix dshap = null;
    try {
      // SHAP's plain copy of validation is built from its values after dval; otherwise nothing reads them
      boolean shapCopy = hp.shap() && leader;
      dval = validationData == null ? null : shapCopy ? matrices.build(validationData, options, dtrain)
          : matrices.buildConsuming(validationData, options, dtrain);
      if (shapCopy && dval != null) {
        // SHAP needs raw values; a QuantileDMatrix holds bins, so keep a plain copy of validation.
        dshap = MatrixFactory.pathOf(dval) == MatrixPath.PLAIN ? dval : matrices.build(validationData,
            options.inMemory(false), null);
      }
      if (cache != null) {
        LOG.info(String.format(java.util.Locale.ROOT, "external-memory cache %s: %.1f MiB on disk after building",
            cache.dir(), cache.diskBytes() / 1048576.0));
      }
      data.close();
      LOG.info("parsed rows released: " + MemoryUsage.describe());
      timings.lap("build matrices");
      if (stopRequested.getAsBoolean()) {
        LOG.warning("stop requested before training started: nothing to checkpoint, exiting");
        return;
      }
      Consumer<String> lines = leader ? metricOut : line -> { };
      Trainer trainer = new Trainer(hp, lines, LOG::info, LOG::warning, 5_000,
          cluster == null ? UnaryOperator.identity() : cluster::sumExact);
      Optional<Trainer.Resume> resume = checkpoints.resume();
      if (cluster != null && checkpoints.enabled()) {
        cluster.checkResumeRound(resume.map(Trainer.Resume::rounds).orElse(0));
      }
      TrainingResult result = trainer.train(dtrain, Optional.ofNullable(dval), checkpoints.extraParams(),
          resume, checkpoints.writer(hp, leader), stopRequested);
      timings.lap("train");
      boolean writes = leader && !result.terminated();
      // The report's evaluation reads its labels and predictions off the matrix now and measures
      // them once the matrices are freed, so that its sort never adds to the quantised data.
      DMatrix measuredOn = dval != null ? dval : dtrain;
      String measuredChannel = dval != null ? "validation" : "train";
      Optional<ModelOutputs.Observed> observed = writes ? forReport(() -> Optional.of(
          ModelOutputs.observe(result.booster(), measuredOn, hp.objective(), measuredChannel))) : Optional.empty();
      // Nothing after training reads these (the model, importance and SHAP need the booster and
      // dshap only): free the quantised data before the outputs and charts are made.
      dtrain.dispose();
      if (dval != null && dval != dshap) {
        dval.dispose();
      }
      // The learning curve and the model's evaluation are made on threads of their own while this
      // one writes the model, its importance and SHAP: the curve's thread also pays for starting
      // Java2D (about 0.3 s), the evaluation sorts every row by score and draws its charts.
      ReportWriter.LearningCurve curve = writes
          ? ReportWriter.startLearningCurve(ModelOutputs.series(scores(result)), bestRound(result)) : null;
      ReportWriter.Evaluation evaluation = writes ? ReportWriter.startEvaluation(
          () -> observed.flatMap(o -> forReport(() -> o.measure(hp.evalMetrics())))) : null;
      try {
        if (cluster != null) {
          writeRankModel(result, cluster);
        }
        if (result.terminated()) {
          LOG.warning("stopped by request after " + result.history().size() + " rounds"
              + checkpoints.folder().map(dir -> "; the checkpoint in " + dir + " resumes it").orElse(""));
          if (hp.saveModelOnTermination() && leader) {
            outputs.writeModel(result.booster());
            LOG.info("save_model_on_termination: model of " + result.history().size() + " rounds written to "
                + outputs.modelFile());
          }
          return;
        }
        if (leader) {
          writeOutputs(result, hp, inputs.given(), featureNames, shapes, dshap, timings, start, evaluation, curve);
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
   * files are written only once every fold has trained ({@link ModelOutputs#crossValidationFiles}).
   */
  private void crossValidate(Hyperparameters hp, TrainingData data) {
    ChannelData joined = data.joined();
    CrossValidation.Result result = new CrossValidation(hp, new MatrixFactory(), matrixOptions(hp, null), metricOut,
        LOG::info).run(joined);
    outputs.crossValidationFiles().write(hp.kfold().getAsInt(), result.models(), result.foldScores(),
        result.folds(), result.predictions(), result.labels());
    writeCrossValidationReport(hp, result, joined.groups());
  }

  /** cross_validation_report.html, after the models: best-effort, as the training report is. */
  private void writeCrossValidationReport(Hyperparameters hp, CrossValidation.Result result, int[] groupSizes) {
    int[] bounds = null;
    if (groupSizes != null) {
      bounds = new int[groupSizes.length + 1];
      for (int q = 0; q < groupSizes.length; q++) {
        bounds[q + 1] = bounds[q] + groupSizes[q];
      }
    }
    // measured on a copy: binary:logitraw's margins become probabilities in place
    Predictions firstRepeat = new Predictions(result.predictions()[0].values().clone(),
        result.predictions()[0].columns());
    int[] queryBounds = bounds;
    CrossValidationReport.writeOrWarn(outputs.dataFolder(), () -> new CrossValidationReport(hp.kfold().getAsInt(),
        result.folds().length, result.foldHistories(), result.foldScores(),
        ModelOutputs.measure(hp.objective(), EvaluationCharts.OUT_OF_FOLD, result.labels(), firstRepeat,
            hp.resolvedObjective() == Objective.BINARY_LOGITRAW, queryBounds, hp.evalMetrics()),
        new JobReport.Details(jobName(), Versions.image(), Versions.xgboost(),
            Map.of(), "not read", List.of(), Optional.empty()), inputs.given()));
  }

  /** SageMaker's name for the job, when it set one. */
  private Optional<String> jobName() {
    return Optional.ofNullable(env.get("TRAINING_JOB_NAME")).filter(n -> !n.isBlank());
  }

  /**
   * A step of the report's model evaluation: reading the final model's predictions off a matrix
   * (before the matrices are freed), or measuring them. A failure leaves the report without them.
   */
  private static <T> Optional<T> forReport(java.util.function.Supplier<Optional<T>> step) {
    try {
      return step.get();
    } catch (RuntimeException e) {
      LOG.warning("the report has no model evaluation: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** Versions, job name, XGBoost's effective parameters and feature names for the report. */
  private JobReport.Details reportDetails(TrainingResult result, List<String> featureNames,
      Optional<ModelEvaluation> evaluated) {
    EffectiveParameters parameters = EffectiveParameters.of(result.booster());
    return new JobReport.Details(jobName(), Versions.image(), Versions.xgboost(),
        parameters.values(), parameters.source(), featureNames, evaluated);
  }

  /**
   * Only the hist updater reads a quantised matrix (see Hyperparameters.quantileMatrix); the others need
   * raw values. External memory ({@code cache} not null) is always quantised.
   */
  private MatrixOptions matrixOptions(Hyperparameters hp, BatchCache cache) {
    return cache == null ? new MatrixOptions(Float.NaN, hp.maxBin(), threads, hp.quantileMatrix())
        : new MatrixOptions(Float.NaN, hp.maxBin(), threads, true, cache);
  }

  private void writeOutputs(TrainingResult result, Hyperparameters hp, Map<String, String> given,
      List<String> featureNames, List<JobReport.ChannelShape> shapes, DMatrix dshap, Timings timings,
      long startNanos, ReportWriter.Evaluation evaluation, ReportWriter.LearningCurve curve) {
    // the series and best round the learning curve was started with, computed once after training
    Map<String, List<Double>> series = curve.series();
    OptionalInt best = curve.bestIteration();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("rounds", result.history().size());
    summary.put("num_round", hp.numRound());
    result.earlyStopping().ifPresent(s -> {
      summary.put("stopping_metric", s.key());
      summary.put("best_iteration", s.bestRound());
      summary.put("best_score", s.bestScore());
    });
    summary.put("stopped_early", result.stoppedEarly());
    outputs.writeEvaluationHistory(scores(result), summary);
    Map<String, Map<String, Double>> importance = outputs.writeFeatureImportance(result.booster(), featureNames);
    Optional<Map<String, Double>> shap = dshap == null ? Optional.empty()
        : Optional.of(outputs.writeShapSummary(result.booster(), dshap, "validation", featureNames));
    outputs.writeModel(result.booster());
    timings.lap("write model" + (shap.isPresent() ? ", importance and SHAP" : " and importance"));
    ReportWriter.writeOrWarn(outputs.dataFolder(), () -> new JobReport(given, shapes, timings.seconds(), series,
        best, result.earlyStopping().map(EarlyStopping::key), importance, shap,
        reportDetails(result, featureNames, evaluation.result())), curve, evaluation);
    LOG.info(String.format(java.util.Locale.ROOT, "model written to %s after %d rounds (%.1f s in all; %s)",
        outputs.modelFile(), result.history().size(), (System.nanoTime() - startNanos) / 1e9, MemoryUsage.describe()));
  }

  /** Each round's scores, by {@code channel-metric}. */
  private static List<Map<String, Double>> scores(TrainingResult result) {
    return result.history().stream().map(EvaluationLine::scores).toList();
  }

  /** The zero-based round early stopping kept, if it kept one. */
  private static OptionalInt bestRound(TrainingResult result) {
    return result.earlyStopping().filter(s -> s.bestRound() >= 0).map(s -> OptionalInt.of(s.bestRound()))
        .orElse(OptionalInt.empty());
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
