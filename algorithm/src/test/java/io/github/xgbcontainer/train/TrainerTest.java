package io.github.xgbcontainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.hyperparameters.Hyperparameters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.DMatrix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The boosting loop on small generated data with real xgboost4j. */
class TrainerTest {

  private final List<String> lines = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final List<DMatrix> matrices = new ArrayList<>();

  @AfterEach
  void dispose() {
    matrices.forEach(DMatrix::dispose);
  }

  /** Rows with 4 features; the label is a noisy function of the first two, in {@code classes} classes. */
  private DMatrix data(long seed, int rows, int classes) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[rows * 4];
    float[] labels = new float[rows];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < 4; j++) {
        values[i * 4 + j] = (float) random.nextGaussian();
      }
      double signal = values[i * 4] + 0.5 * values[i * 4 + 1] + random.nextGaussian() * 0.8;
      labels[i] = classes == 0 ? (float) (3 + 2 * signal)
          : classes == 2 ? (signal > 0 ? 1 : 0) : (signal < -0.5 ? 0 : signal < 0.5 ? 1 : 2);
    }
    DMatrix m = new DMatrix(values, rows, 4, Float.NaN);
    m.setLabel(labels);
    matrices.add(m);
    return m;
  }

  private Trainer trainer(String... keyValues) {
    Map<String, String> raw = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      raw.put(keyValues[i], keyValues[i + 1]);
    }
    return new Trainer(Hyperparameters.parse(raw), lines::add, line -> { }, warnings::add, Long.MAX_VALUE,
        v -> v);
  }

  private static Map<String, Double> scores(String line) {
    Map<String, Double> scores = new java.util.LinkedHashMap<>();
    String[] parts = line.split("\t");
    for (int i = 1; i < parts.length; i++) {
      int colon = parts[i].lastIndexOf(':');
      scores.put(parts[i].substring(0, colon), Double.parseDouble(parts[i].substring(colon + 1)));
    }
    return scores;
  }

  @Test
  void binaryMetrics_matchScoresComputedFromPredictions() throws Exception {
    DMatrix train = data(1, 300, 2);
    DMatrix validation = data(2, 200, 2);
    TrainingResult result = trainer("num_round", "5", "objective", "binary:logistic", "max_depth", "2",
        "eval_metric", "accuracy,balanced_accuracy,f1,f1_binary,precision,recall,recall_macro,precision_micro",
        "_tuning_objective_metric", "validation:f1_macro").train(train, Optional.of(validation));
    try {
      assertEquals(List.of("train-logloss", "train-accuracy", "train-balanced_accuracy", "train-f1",
          "train-f1_binary", "train-precision", "train-recall", "train-recall_macro", "train-precision_micro",
          "train-f1_macro", "validation-logloss", "validation-accuracy", "validation-balanced_accuracy",
          "validation-f1", "validation-f1_binary", "validation-precision", "validation-recall",
          "validation-recall_macro", "validation-precision_micro", "validation-f1_macro"),
          List.copyOf(scores(lines.get(4)).keySet()), "XGBoost's default metric, then ours, watch by watch");
      Map<String, Double> last = scores(lines.get(4));
      float[][] p = result.booster().predict(validation);
      float[] y = validation.getLabel();
      long tp = 0, fp = 0, fn = 0, tn = 0;
      for (int i = 0; i < y.length; i++) {
        boolean predicted = p[i][0] > 0.5f;
        boolean actual = y[i] == 1f;
        if (predicted && actual) tp++;
        else if (predicted) fp++;
        else if (actual) fn++;
        else tn++;
      }
      double precision1 = tp / (double) (tp + fp);
      double recall1 = tp / (double) (tp + fn);
      double precision0 = tn / (double) (tn + fn);
      double recall0 = tn / (double) (tn + fp);
      double f11 = 2 * precision1 * recall1 / (precision1 + recall1);
      double f10 = 2 * precision0 * recall0 / (precision0 + recall0);
      double accuracy = (tp + tn) / (double) y.length;
      assertEquals(accuracy, last.get("validation-accuracy"), 1e-5);
      assertEquals(accuracy, last.get("validation-precision_micro"), 1e-5);
      assertEquals((recall0 + recall1) / 2, last.get("validation-balanced_accuracy"), 1e-5);
      assertEquals((recall0 + recall1) / 2, last.get("validation-recall_macro"), 1e-5);
      assertEquals((f10 + f11) / 2, last.get("validation-f1"), 1e-5);
      assertEquals((f10 + f11) / 2, last.get("validation-f1_macro"), 1e-5);
      assertEquals(f11, last.get("validation-f1_binary"), 1e-5);
      assertEquals(precision1, last.get("validation-precision"), 1e-5);
      assertEquals(recall1, last.get("validation-recall"), 1e-5);
      assertTrue(accuracy > 0.6 && accuracy < 1, "a real model, not a constant: " + accuracy);
    } finally {
      result.booster().dispose();
    }
  }

  @Test
  void regressionMetrics_replaceXgboostsOwnInPlaceAndMatchPredictions() throws Exception {
    DMatrix train = data(3, 300, 0);
    DMatrix validation = data(4, 100, 0);
    TrainingResult result = trainer("num_round", "4", "eval_metric", "rmse,mse,mae,r2")
        .train(train, Optional.of(validation));
    try {
      Map<String, Double> last = scores(lines.get(3));
      assertEquals(List.of("train-rmse", "train-mse", "train-mae", "train-r2", "validation-rmse", "validation-mse",
          "validation-mae", "validation-r2"), List.copyOf(last.keySet()));
      float[][] p = result.booster().predict(validation);
      float[] y = validation.getLabel();
      double squares = 0, absolute = 0, mean = 0, total = 0;
      for (float v : y) {
        mean += v / (double) y.length;
      }
      for (int i = 0; i < y.length; i++) {
        squares += ((double) y[i] - p[i][0]) * ((double) y[i] - p[i][0]);
        absolute += Math.abs((double) y[i] - p[i][0]);
        total += (y[i] - mean) * (y[i] - mean);
      }
      assertEquals(Math.sqrt(squares / y.length), last.get("validation-rmse"), 1e-5);
      assertEquals(squares / y.length, last.get("validation-mse"), 1e-5);
      assertEquals(absolute / y.length, last.get("validation-mae"), 1e-5);
      assertEquals(1 - squares / total, last.get("validation-r2"), 1e-5);
    } finally {
      result.booster().dispose();
    }
  }

  @Test
  void multiClassMetrics_takeTheClassWithTheLargestMargin() throws Exception {
    DMatrix train = data(5, 300, 3);
    DMatrix validation = data(6, 150, 3);
    TrainingResult result = trainer("num_round", "3", "objective", "multi:softprob", "num_class", "3",
        "eval_metric", "accuracy,precision_macro").train(train, Optional.of(validation));
    try {
      Map<String, Double> last = scores(lines.get(2));
      float[][] p = result.booster().predict(validation);
      float[] y = validation.getLabel();
      int correct = 0;
      int[] predictedCount = new int[3];
      int[] hits = new int[3];
      for (int i = 0; i < y.length; i++) {
        int best = 0;
        for (int k = 1; k < 3; k++) {
          if (p[i][k] > p[i][best]) {
            best = k;
          }
        }
        predictedCount[best]++;
        if (best == (int) y[i]) {
          correct++;
          hits[best]++;
        }
      }
      double macro = 0;
      for (int k = 0; k < 3; k++) {
        macro += predictedCount[k] == 0 ? 0 : hits[k] / (double) predictedCount[k] / 3;
      }
      assertEquals(correct / (double) y.length, last.get("validation-accuracy"), 1e-5);
      assertEquals(macro, last.get("validation-precision_macro"), 1e-5);
    } finally {
      result.booster().dispose();
    }
  }

  @Test
  void binaryAveragedMetric_onThreeClasses_failsNamingTheWayOut() throws Exception {
    DMatrix train = data(7, 100, 3);
    UserError e = assertThrows(UserError.class, () -> trainer("num_round", "2", "objective", "multi:softmax",
        "num_class", "3", "eval_metric", "precision").train(train, Optional.empty()));
    assertEquals("eval_metric 'precision' scores class 1 against the rest (scikit-learn's average='binary'), "
        + "but watch 'train' has the classes 0, 1, 2 in its labels and predictions; perhaps you should use "
        + "precision_macro or precision_micro", e.getMessage());
  }

  @Test
  void classificationMetric_onLabelsThatAreNoClass_failsNamingRowAndLabel() throws Exception {
    DMatrix train = data(14, 50, 0);
    float first = train.getLabel()[0];
    UserError e = assertThrows(UserError.class, () -> trainer("num_round", "2", "eval_metric", "rmse,accuracy")
        .train(train, Optional.empty()));
    assertEquals("eval_metric 'accuracy' compares predicted classes with the labels, but 50 label(s) are not a "
        + "class 0 .. 1 (watch 'train' row 1 has label " + first + "); perhaps you should use a regression metric "
        + "such as rmse, or labels 0 .. 1", e.getMessage());
  }

  @Test
  void earlyStopping_keepsOnlyTheRoundsUpToTheBest() throws Exception {
    DMatrix train = data(8, 300, 3);
    DMatrix validation = data(9, 150, 3);
    TrainingResult result = trainer("num_round", "200", "objective", "multi:softprob", "num_class", "3",
        "eta", "0.8", "eval_metric", "mlogloss", "early_stopping_rounds", "3").train(train, Optional.of(validation));
    try {
      int best = result.earlyStopping().orElseThrow().bestRound();
      assertTrue(result.stoppedEarly());
      assertEquals(best + 4, result.history().size());
      assertEquals(best + 1, result.booster().getNumBoostedRound());
      assertEquals((best + 1) * 3, result.booster().getModelDump("", false).length, "num_class trees a round");
      assertEquals(Integer.toString(best), result.booster().getAttr("best_iteration"));
    } finally {
      result.booster().dispose();
    }
  }

  @Test
  void earlyStopping_onAContainerMetric_maximizesIt() throws Exception {
    DMatrix train = data(12, 300, 2);
    DMatrix validation = data(13, 100, 2);
    TrainingResult result = trainer("num_round", "200", "objective", "binary:logistic", "eta", "1",
        "early_stopping_rounds", "2", "_tuning_objective_metric", "validation:accuracy")
        .train(train, Optional.of(validation));
    try {
      EarlyStopping stopping = result.earlyStopping().orElseThrow();
      assertEquals("validation-accuracy", stopping.key());
      assertTrue(stopping.maximize());
      double best = result.history().stream().mapToDouble(l -> l.scores().get("validation-accuracy")).max()
          .orElseThrow();
      assertEquals(best, stopping.bestScore());
      assertEquals(best, result.history().get(stopping.bestRound()).scores().get("validation-accuracy"));
      assertEquals(stopping.bestRound() + 1, result.booster().getNumBoostedRound());
    } finally {
      result.booster().dispose();
    }
  }

  @Test
  void progress_afterAResume_numbersRoundsAsTheMetricLinesDo() throws Exception {
    DMatrix train = data(14, 200, 0);
    byte[][] model = new byte[1][];
    List<io.github.xgbcontainer.checkpoint.TrainerState> states = new ArrayList<>();
    TrainingResult first = trainer("num_round", "3").train(train, Optional.empty(), Map.of(), Optional.empty(),
        (booster, state, last) -> {
          try {
            model[0] = booster.toByteArray("ubj");
          } catch (ml.dmlc.xgboost4j.java.XGBoostError e) {
            throw new IllegalStateException(e);
          }
          states.add(state);
        }, () -> false);
    first.booster().dispose();
    List<String> log = new ArrayList<>();
    lines.clear();
    TrainingResult resumed = new Trainer(Hyperparameters.parse(Map.of("num_round", "6")), lines::add, log::add,
        warnings::add, 0, v -> v).train(train, Optional.empty(), Map.of(),
            Optional.of(new Trainer.Resume(3, model[0], states.get(2))), (booster, state, last) -> { }, () -> false);
    try {
      assertEquals(List.of("[3]", "[4]", "[5]"), lines.stream().map(l -> l.substring(0, 3)).toList());
      List<String> progress = log.stream().filter(l -> l.startsWith("round ")).toList();
      assertEquals(2, progress.size(), log::toString); // the last round reports nothing: the job ends
      assertTrue(progress.get(0).matches("round \\[3\\]: 4 of 6 rounds done, [0-9]+\\.[0-9] s elapsed, about "
          + "[0-9]+\\.[0-9] s left"), progress.get(0));
      assertTrue(progress.get(1).startsWith("round [4]: 5 of 6 rounds done, "), progress.get(1));
      assertTrue(log.contains("resuming after round 2 of 6 from the checkpoint"), log::toString);
    } finally {
      resumed.booster().dispose();
    }
  }

  @Test
  void earlyStopping_withoutAMetric_runsEveryRoundAndWarns() throws Exception {
    DMatrix train = data(10, 200, 2);
    DMatrix validation = data(11, 100, 2);
    TrainingResult result = trainer("num_round", "30", "objective", "binary:logistic", "eta", "1",
        "early_stopping_rounds", "1").train(train, Optional.of(validation));
    try {
      assertEquals(30, result.history().size());
      assertEquals(30, result.booster().getNumBoostedRound());
      assertTrue(result.earlyStopping().isEmpty());
      assertEquals(List.of("early_stopping_rounds is set, but neither eval_metric nor _tuning_objective_metric "
          + "names a metric to watch: early stopping is off and all 30 rounds (num_round) run; perhaps you should "
          + "set eval_metric (its last metric decides)"), warnings);
    } finally {
      result.booster().dispose();
    }
  }

  @Test
  void sixDecimals_roundsTheExactValueHalfEven() {
    assertEquals(0.123457, ContainerMetricEvaluator.sixDecimals(0.1234565000001));
    assertEquals(0.5, ContainerMetricEvaluator.sixDecimals(0.5));
    assertEquals(0.333333, ContainerMetricEvaluator.sixDecimals(1.0 / 3));
  }

  @Test
  void predictedClass_isMarginAboveZeroOrFirstLargest() {
    assertEquals(1, ContainerMetricEvaluator.predictedClass(new float[] {0.1f}, 0, 1));
    assertEquals(0, ContainerMetricEvaluator.predictedClass(new float[] {0f}, 0, 1));
    assertEquals(1, ContainerMetricEvaluator.predictedClass(new float[] {0.2f, 0.5f, 0.5f}, 0, 3));
    // the second row of a flat array: its own first largest margin, counted from the row's start
    assertEquals(0, ContainerMetricEvaluator.predictedClass(new float[] {0.2f, 0.5f, 0.5f, 0.9f, 0.1f, 0.9f}, 3, 3));
    assertEquals(0, ContainerMetricEvaluator.predictedClass(new float[] {0.7f, -0.3f}, 1, 1));
  }
}
