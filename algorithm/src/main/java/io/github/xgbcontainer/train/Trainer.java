package io.github.xgbcontainer.train;

import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.hyperparameters.Hyperparameters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
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
  private final long progressIntervalMillis;

  /**
   * @param metricOut receives each round's metric line
   * @param log receives progress lines
   */
  public Trainer(Hyperparameters hyperparameters, Consumer<String> metricOut, Consumer<String> log,
      long progressIntervalMillis) {
    this.hyperparameters = hyperparameters;
    this.metricOut = metricOut;
    this.log = log;
    this.progressIntervalMillis = progressIntervalMillis;
  }

  /** Trains on {@code train}, evaluating on it and on {@code validation} when present. */
  public TrainingResult train(DMatrix train, Optional<DMatrix> validation) {
    DMatrix[] watches = validation.isPresent() ? new DMatrix[] {train, validation.get()} : new DMatrix[] {train};
    String[] names = validation.isPresent() ? new String[] {TRAIN, VALIDATION} : new String[] {TRAIN};
    Map<String, Object> params = new HashMap<>(hyperparameters.xgboostParams());
    int rounds = hyperparameters.numRound();
    Booster booster = null;
    try {
      booster = XGBoost.train(train, params, 0, Map.of(), null, null);
      for (String metric : hyperparameters.evalMetrics()) {
        booster.setParam("eval_metric", metric);
      }
      List<EvaluationLine> history = new ArrayList<>();
      EarlyStopping stopping = null;
      boolean stoppedEarly = false;
      Progress progress = new Progress(rounds, progressIntervalMillis, log);
      for (int round = 0; round < rounds; round++) {
        booster.update(train, round);
        EvaluationLine line = EvaluationLine.parse(round, booster.evalSet(watches, names, round));
        metricOut.accept(line.format());
        history.add(line);
        if (stopping == null && validation.isPresent() && hyperparameters.earlyStoppingRounds().isPresent()) {
          stopping = earlyStopping(line);
        }
        if (stopping != null && stopping.record(line)) {
          stoppedEarly = round + 1 < rounds;
          if (stoppedEarly) {
            log.accept(String.format(Locale.ROOT,
                "early stopping: %s has not improved for %d rounds; best %.5f at round %d",
                stopping.key(), hyperparameters.earlyStoppingRounds().getAsInt(), stopping.bestScore(),
                stopping.bestRound()));
            break;
          }
        }
        progress.roundDone(round + 1);
      }
      if (stopping != null) {
        booster.setAttr("best_iteration", Integer.toString(stopping.bestRound()));
        booster.setAttr("best_score", Double.toString(stopping.bestScore()));
      }
      return new TrainingResult(booster, history, Optional.ofNullable(stopping), stoppedEarly);
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

  private EarlyStopping earlyStopping(EvaluationLine first) {
    String key = hyperparameters.stoppingMetric().map(m -> VALIDATION + "-" + m).orElse(null);
    if (key == null) {
      for (String name : first.scores().keySet()) {
        if (name.startsWith(VALIDATION + "-")) {
          key = name;
        }
      }
    }
    if (key == null || !first.scores().containsKey(key)) {
      throw new UserError("early stopping watches '" + key + "' but the evaluation reports only "
          + first.scores().keySet() + "; set eval_metric to the metric to stop on");
    }
    String metric = key.substring(VALIDATION.length() + 1);
    boolean maximize = Hyperparameters.maximizes(metric);
    log.accept("early stopping on " + key + " (" + (maximize ? "maximize" : "minimize") + "), patience "
        + hyperparameters.earlyStoppingRounds().getAsInt() + " rounds");
    return new EarlyStopping(key, maximize, hyperparameters.earlyStoppingRounds().getAsInt());
  }
}
