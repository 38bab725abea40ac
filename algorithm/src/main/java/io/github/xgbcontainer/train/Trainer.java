package io.github.xgbcontainer.train;

import io.github.xgbcontainer.checkpoint.TrainerState;
import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.hyperparameters.BoosterType;
import io.github.xgbcontainer.hyperparameters.Hyperparameters;
import io.github.xgbcontainer.matrix.NativeShim;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The boosting loop. xgboost4j's {@code XGBoost.train} keeps one metric per watch and has no
 * per-round callback, so the loop is ours: one {@code update} and one {@code evalSet} per round,
 * which builds the same model byte for byte. Metric lines are printed here, not by the native side.
 */
public final class Trainer {

  /** Watch names, as SageMaker's metric definitions expect them. */
  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";

  private final Hyperparameters hyperparameters;
  private final Consumer<String> metricOut;
  private final Consumer<String> log;
  private final Consumer<String> warn;
  private final long progressIntervalMillis;
  private final UnaryOperator<double[]> sum;

  /**
   * A trainer on one host that logs warnings with its progress lines.
   *
   * @param metricOut receives each round's metric line
   * @param log receives progress lines
   */
  public Trainer(Hyperparameters hyperparameters, Consumer<String> metricOut, Consumer<String> log,
      long progressIntervalMillis) {
    this(hyperparameters, metricOut, log, log, progressIntervalMillis, UnaryOperator.identity());
  }

  /**
   * @param metricOut receives each round's metric line
   * @param log receives progress lines
   * @param warn receives warnings (a setting that has no effect)
   * @param sum sums a vector over the hosts of the training group, the same on every host (the
   *     identity on one host): the container's own metrics are computed from these sums
   */
  public Trainer(Hyperparameters hyperparameters, Consumer<String> metricOut, Consumer<String> log,
      Consumer<String> warn, long progressIntervalMillis, UnaryOperator<double[]> sum) {
    this.hyperparameters = hyperparameters;
    this.metricOut = metricOut;
    this.log = log;
    this.warn = warn;
    this.progressIntervalMillis = progressIntervalMillis;
    this.sum = sum;
  }

  /** Trains on {@code train}, evaluating on it and on {@code validation} when present. */
  public TrainingResult train(DMatrix train, Optional<DMatrix> validation) {
    return train(train, validation, Map.of(), Optional.empty(), (booster, state, stopping) -> { }, () -> false);
  }

  /**
   * Trains, resuming from a checkpoint when one is given, reporting each finished round to
   * {@code listener} (which writes checkpoints), and stopping after the current round once
   * {@code stopRequested} says so.
   *
   * @param extraParams native parameters added to the hyperparameters' (e.g. {@code seed_per_iteration})
   * @param resume the state to continue from: a model and the trainer state {@link #state} saved with it
   */
  public TrainingResult train(DMatrix train, Optional<DMatrix> validation, Map<String, Object> extraParams,
      Optional<Resume> resume, RoundListener listener, BooleanSupplier stopRequested) {
    DMatrix[] watches = validation.isPresent() ? new DMatrix[] {train, validation.get()} : new DMatrix[] {train};
    String[] names = validation.isPresent() ? new String[] {TRAIN, VALIDATION} : new String[] {TRAIN};
    Map<String, Object> params = new HashMap<>(hyperparameters.xgboostParams());
    params.putAll(extraParams);
    int rounds = hyperparameters.numRound();
    boolean stoppingOn = earlyStoppingOn(validation.isPresent());
    Booster booster = null;
    try {
      List<EvaluationLine> history = new ArrayList<>();
      EarlyStopping stopping = null;
      boolean stoppedEarly = false;
      int first = 0;
      if (resume.isPresent()) {
        booster = load(resume.get().model());
        booster.setParams(params);
        first = resume.get().rounds();
        TrainerState state = resume.get().state();
        state.history().forEach(r -> history.add(new EvaluationLine(r.round(), r.scores())));
        stoppedEarly = state.stoppedEarly();
        if (state.stopping().isPresent()) {
          TrainerState.Stopping saved = state.stopping().get();
          String key = saved.metric();
          stopping = new EarlyStopping(key, Hyperparameters.maximizes(key.substring(VALIDATION.length() + 1)),
              hyperparameters.earlyStoppingRounds().orElse(Integer.MAX_VALUE));
          stopping.restore(saved.bestScore(), saved.bestRound());
        }
        log.accept("resuming after round " + (first - 1) + " of " + rounds + " from the checkpoint");
      } else {
        booster = XGBoost.train(train, params, 0, Map.of(), null, null);
        // The Python package copies the training matrix's feature names to the booster; xgboost4j does not.
        String[] featureNames = train.getFeatureNames();
        if (featureNames != null && featureNames.length > 0) {
          booster.setFeatureNames(featureNames);
        }
      }
      for (String metric : hyperparameters.xgboostMetrics()) {
        booster.setParam("eval_metric", metric);
      }
      ContainerMetricEvaluator own = null;
      if (!hyperparameters.containerMetrics().isEmpty()) {
        own = new ContainerMetricEvaluator(hyperparameters.containerMetrics(),
            Math.max(2, hyperparameters.numClass().orElse(2)), sum);
        own.watch(watches, names);
      }
      // Without the native slice, the model at the best round is kept as it goes by.
      boolean snapshots = stoppingOn && !NativeShim.available();
      byte[] bestModel = null;
      boolean terminated = false;
      Progress progress = new Progress(first, rounds, progressIntervalMillis, log);
      for (int round = first; round < rounds && !stoppedEarly; round++) {
        booster.update(train, round);
        EvaluationLine line = EvaluationLine.parse(round, booster.evalSet(watches, names, round));
        if (own != null) {
          line = line.with(own.score(booster));
        }
        metricOut.accept(line.format());
        history.add(line);
        if (stopping == null && stoppingOn) {
          stopping = earlyStopping(line);
        }
        boolean stop = stopping != null && stopping.record(line);
        if (snapshots && stopping.bestRound() == round) {
          bestModel = booster.toByteArray("ubj");
        }
        if (stop) {
          stoppedEarly = round + 1 < rounds;
          if (stoppedEarly) {
            log.accept(String.format(Locale.ROOT,
                "early stopping: %s has not improved for %d rounds; best %.5f at round %d",
                stopping.key(), hyperparameters.earlyStoppingRounds().getAsInt(), stopping.bestScore(),
                stopping.bestRound()));
          }
        }
        terminated = stopRequested.getAsBoolean() && round + 1 < rounds && !stoppedEarly;
        listener.roundDone(booster, state(history, stopping, stoppedEarly), terminated);
        if (terminated) {
          log.accept("stop requested: training stopped after round " + round);
          break;
        }
        progress.roundDone(round + 1);
      }
      if (stopping != null) {
        booster.setAttr("best_iteration", Integer.toString(stopping.bestRound()));
        booster.setAttr("best_score", Double.toString(stopping.bestScore()));
        if (!terminated) {
          booster = bestOnly(booster, stopping, bestModel);
        }
      }
      return new TrainingResult(booster, history, Optional.ofNullable(stopping), stoppedEarly, terminated);
    } catch (XGBoostError e) {
      if (booster != null) {
        booster.dispose();
      }
      throw XgboostErrors.translate(e);
    } catch (RuntimeException e) {
      if (booster != null) {
        booster.dispose();
      }
      throw e;
    }
  }

  private static Booster load(byte[] model) throws XGBoostError {
    try {
      return XGBoost.loadModel(new ByteArrayInputStream(model));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A model to continue from, the rounds it holds, and the trainer state saved beside it. */
  public record Resume(int rounds, byte[] model, TrainerState state) {}

  /** Told after every round; {@code last} is true when training stops here because a stop was requested. */
  @FunctionalInterface
  public interface RoundListener {
    void roundDone(Booster booster, TrainerState state, boolean last);
  }

  /** The trainer's state after some rounds, as a checkpoint carries it. */
  static TrainerState state(List<EvaluationLine> history, EarlyStopping stopping, boolean stoppedEarly) {
    return new TrainerState(history.stream().map(l -> new TrainerState.Round(l.round(), l.scores())).toList(),
        stoppedEarly, stopping == null ? Optional.empty()
            : Optional.of(new TrainerState.Stopping(stopping.key(), stopping.bestScore(), stopping.bestRound())));
  }

  /**
   * Whether early stopping runs, as in the official image: it needs early_stopping_rounds, a
   * validation watch and a metric named by eval_metric or _tuning_objective_metric. Without the
   * last two the official image silently trains every round; here a warning says why.
   */
  private boolean earlyStoppingOn(boolean hasValidation) {
    if (hyperparameters.earlyStoppingRounds().isEmpty()) {
      return false;
    }
    String rounds = "all " + hyperparameters.numRound() + " rounds (num_round) run";
    if (!hasValidation) {
      warn.accept("early_stopping_rounds is set, but there is no 'validation' channel to watch: early stopping "
          + "is off and " + rounds + "; perhaps you should add a validation channel");
      return false;
    }
    if (hyperparameters.stoppingMetric().isEmpty()) {
      warn.accept("early_stopping_rounds is set, but neither eval_metric nor _tuning_objective_metric names a "
          + "metric to watch: early stopping is off and " + rounds + "; perhaps you should set eval_metric "
          + "(its last metric decides)");
      return false;
    }
    return true;
  }

  private EarlyStopping earlyStopping(EvaluationLine first) {
    String key = VALIDATION + "-" + hyperparameters.stoppingMetric().orElseThrow();
    if (!first.scores().containsKey(key)) {
      throw new UserError("early stopping watches '" + key + "' but the evaluation reports only "
          + first.scores().keySet() + "; set eval_metric to the metric to stop on");
    }
    String metric = key.substring(VALIDATION.length() + 1);
    boolean maximize = Hyperparameters.maximizes(metric);
    log.accept("early stopping on " + key + " (" + (maximize ? "maximize" : "minimize") + "), patience "
        + hyperparameters.earlyStoppingRounds().getAsInt() + " rounds");
    return new EarlyStopping(key, maximize, hyperparameters.earlyStoppingRounds().getAsInt());
  }

  /**
   * The model of the best round, as the official image saves it ({@code EarlyStopping(save_best=True)}):
   * {@code best_iteration + 1} rounds, so {@code num_class} times as many trees for multi-class
   * objectives. XGBoost cuts it ({@code XGBoosterSlice}, through the native shim); without the shim
   * the copy kept when the best round went by is used. The attributes travel with it.
   */
  private Booster bestOnly(Booster booster, EarlyStopping stopping, byte[] snapshot) throws XGBoostError {
    int keep = stopping.bestRound() + 1;
    int trained = booster.getNumBoostedRound();
    if (stopping.bestRound() < 0 || keep >= trained) {
      return booster;
    }
    if (hyperparameters.booster() == BoosterType.GBLINEAR) {
      warn.accept("early stopping: a gblinear model cannot be cut to its best round, so the model keeps all "
          + trained + " rounds; best_iteration " + stopping.bestRound() + " names the best");
      return booster;
    }
    byte[] best;
    if (NativeShim.available()) {
      String[] error = new String[1];
      best = NativeShim.sliceModel(booster.toByteArray("ubj"), keep, error);
      if (best == null) {
        throw new AlgorithmError("cannot cut the model to its best " + keep + " rounds: " + error[0]);
      }
    } else if (snapshot != null) {
      best = snapshot;
    } else {
      warn.accept("early stopping: the model of the best round (" + stopping.bestRound() + ") was not kept "
          + "across the resume, so the model keeps all " + trained + " rounds");
      return booster;
    }
    Booster sliced = load(best);
    sliced.setAttr("best_iteration", Integer.toString(stopping.bestRound()));
    sliced.setAttr("best_score", Double.toString(stopping.bestScore()));
    booster.dispose();
    log.accept("early stopping: the model keeps the " + keep + " rounds up to the best, of " + trained + " trained");
    return sliced;
  }
}
