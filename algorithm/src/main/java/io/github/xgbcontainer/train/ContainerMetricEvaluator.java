package io.github.xgbcontainer.train;

import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.hyperparameters.ContainerMetric;
import io.github.xgbcontainer.hyperparameters.ContainerMetric.Averaging;
import io.github.xgbcontainer.hyperparameters.ContainerMetric.Kind;
import io.github.xgbcontainer.matrix.Predictions;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Computes the container's own metrics ({@link ContainerMetric}) on every watch after each round,
 * from the booster's predictions, as scikit-learn defines them (unweighted). XGBoost keeps a
 * prediction cache for every matrix it evaluates, so asking for the whole model's predictions after
 * {@code evalSet} only adds the new round's trees.
 *
 * <p>On several hosts each host holds a shard of every watch: the hosts sum sufficient statistics
 * (a confusion matrix, sums of errors) through {@code sum}, so every host gets the score of the
 * whole data set, the same to the last bit. The official image averages the hosts' scores instead.
 */
final class ContainerMetricEvaluator {

  private final List<ContainerMetric> metrics;
  private final int classes;
  private final UnaryOperator<double[]> sum;
  private final boolean classification;
  private final boolean regression;
  private final List<Watch> watches = new ArrayList<>();

  /** One evaluated matrix and what does not change from round to round. */
  private static final class Watch {
    final String name;
    final DMatrix matrix;
    final float[] labels;
    final int[] classOf;
    double rows;
    double totalSquares;

    Watch(String name, DMatrix matrix, float[] labels, int[] classOf) {
      this.name = name;
      this.matrix = matrix;
      this.labels = labels;
      this.classOf = classOf;
    }
  }

  /**
   * @param metrics the metrics, in the order they are printed
   * @param classes the number of classes: num_class for multi-class objectives, otherwise 2
   * @param sum sums a vector over the hosts (the identity on one host); every host calls it in the
   *     same order
   */
  ContainerMetricEvaluator(List<ContainerMetric> metrics, int classes, UnaryOperator<double[]> sum) {
    this.metrics = List.copyOf(metrics);
    this.classes = classes;
    this.sum = sum;
    this.classification = metrics.stream().anyMatch(m -> m.kind().classification());
    this.regression = metrics.stream().anyMatch(m -> !m.kind().classification());
  }

  /**
   * Reads the labels of each watch once and checks them on every host together: classification
   * metrics need each label to be a class, 0 .. classes-1.
   */
  void watch(DMatrix[] matrices, String[] names) throws XGBoostError {
    double[] totals = new double[matrices.length * 3];
    List<String> examples = new ArrayList<>();
    for (int w = 0; w < matrices.length; w++) {
      float[] labels = matrices[w].getLabel();
      int[] classOf = new int[labels.length];
      double bad = 0;
      double labelSum = 0;
      for (int i = 0; i < labels.length; i++) {
        float y = labels[i];
        labelSum += y;
        int c = (int) y;
        if (c == y && c >= 0 && c < classes) {
          classOf[i] = c;
        } else {
          classOf[i] = -1;
          if (classification && bad++ == 0) {
            examples.add("watch '" + names[w] + "' row " + (i + 1) + " has label " + y);
          }
        }
      }
      totals[w * 3] = labels.length;
      totals[w * 3 + 1] = bad;
      totals[w * 3 + 2] = labelSum;
      watches.add(new Watch(names[w], matrices[w], labels, classOf));
    }
    totals = sum.apply(totals);
    double badRows = 0;
    for (int w = 0; w < matrices.length; w++) {
      watches.get(w).rows = totals[w * 3];
      badRows += totals[w * 3 + 1];
    }
    if (badRows > 0) {
      ContainerMetric first = metrics.stream().filter(m -> m.kind().classification()).findFirst().orElseThrow();
      throw new UserError(String.format(Locale.ROOT, "eval_metric '%s' compares predicted classes with the "
          + "labels, but %d label(s) are not a class 0 .. %d%s; perhaps you should use a regression metric "
          + "such as rmse, or labels 0 .. %d", first.nativeName(), (long) badRows, classes - 1,
          examples.isEmpty() ? "" : " (" + examples.get(0) + ")", classes - 1));
    }
    if (metrics.stream().anyMatch(m -> m.kind() == Kind.R2)) {
      double[] squares = new double[matrices.length];
      for (int w = 0; w < matrices.length; w++) {
        Watch watch = watches.get(w);
        double mean = watch.rows == 0 ? 0 : totals[w * 3 + 2] / watch.rows;
        for (float y : watch.labels) {
          squares[w] += (y - mean) * (y - mean);
        }
      }
      squares = sum.apply(squares);
      for (int w = 0; w < matrices.length; w++) {
        watches.get(w).totalSquares = squares[w];
      }
    }
  }

  /**
   * The scores after a round: per watch name, metric name to score, rounded to six decimals as the
   * official image's evaluation text carries them (its custom metrics pass through {@code "%f"}).
   */
  Map<String, Map<String, Double>> score(Booster booster) throws XGBoostError {
    int cells = classes * classes;
    int perWatch = (classification ? cells : 0) + (regression ? 2 : 0);
    double[] stats = new double[perWatch * watches.size()];
    for (int w = 0; w < watches.size(); w++) {
      Watch watch = watches.get(w);
      int at = w * perWatch;
      if (classification) {
        Predictions margins = Predictions.of(booster, watch.matrix, true);
        for (int i = 0; i < margins.rows(); i++) {
          stats[at + watch.classOf[i] * classes + predictedClass(margins.values(), i * margins.columns(),
              margins.columns())] += 1;
        }
        at += cells;
      }
      if (regression) {
        Predictions predictions = Predictions.of(booster, watch.matrix, false);
        double squares = 0;
        double absolute = 0;
        for (int i = 0; i < predictions.rows(); i++) {
          double error = (double) watch.labels[i] - predictions.get(i, 0);
          squares += error * error;
          absolute += Math.abs(error);
        }
        stats[at] = squares;
        stats[at + 1] = absolute;
      }
    }
    stats = sum.apply(stats);
    Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
    for (int w = 0; w < watches.size(); w++) {
      Watch watch = watches.get(w);
      int at = w * perWatch;
      double[] confusion = new double[cells];
      if (classification) {
        System.arraycopy(stats, at, confusion, 0, cells);
        at += cells;
      }
      double squares = regression ? stats[at] : 0;
      double absolute = regression ? stats[at + 1] : 0;
      Map<String, Double> byName = new LinkedHashMap<>();
      for (ContainerMetric metric : metrics) {
        double value = metric.kind().classification()
            ? classificationScore(metric, confusion, watch.name)
            : regressionScore(metric.kind(), watch, squares, absolute);
        byName.put(metric.nativeName(), sixDecimals(value));
      }
      scores.put(watch.name, byName);
    }
    return scores;
  }

  /**
   * The class of the margin row {@code margins[from .. from + length)}: class 1 when its one margin is
   * above 0; the first largest margin for several outputs (numpy's argmax).
   */
  static int predictedClass(float[] margins, int from, int length) {
    if (length == 1) {
      return margins[from] > 0 ? 1 : 0;
    }
    int best = 0;
    for (int k = 1; k < length; k++) {
      if (margins[from + k] > margins[from + best]) {
        best = k;
      }
    }
    return best;
  }

  /**
   * scikit-learn's score from a confusion matrix ({@code confusion[true * classes + predicted]}),
   * over the classes present in the labels or the predictions; 0 where it divides by zero
   * ({@code zero_division='warn'}).
   */
  double classificationScore(ContainerMetric metric, double[] confusion, String watch) {
    int k = classes;
    double[] actual = new double[k];
    double[] predicted = new double[k];
    double correct = 0;
    double rows = 0;
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < k; p++) {
        double n = confusion[t * k + p];
        actual[t] += n;
        predicted[p] += n;
        rows += n;
      }
      correct += confusion[t * k + t];
    }
    if (rows == 0) {
      return 0; // the official image scores an empty watch 0
    }
    List<Integer> present = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      if (actual[c] + predicted[c] > 0) {
        present.add(c);
      }
    }
    if (metric.kind() == Kind.ACCURACY || metric.averaging() == Averaging.MICRO) {
      return correct / rows;
    }
    if (metric.kind() == Kind.BALANCED_ACCURACY) {
      // recall per class with labels; a class only predicted has no recall and is left out
      double total = 0;
      int counted = 0;
      for (int c : present) {
        if (actual[c] > 0) {
          total += confusion[c * k + c] / actual[c];
          counted++;
        }
      }
      return total / counted;
    }
    if (metric.averaging() == Averaging.BINARY) {
      if (present.stream().anyMatch(c -> c > 1)) {
        StringJoiner found = new StringJoiner(", ");
        present.forEach(c -> found.add(Integer.toString(c)));
        String base = metric.kind().name().toLowerCase(Locale.ROOT);
        throw new UserError(String.format(Locale.ROOT, "eval_metric '%s' scores class 1 against the rest "
            + "(scikit-learn's average='binary'), but watch '%s' has the classes %s in its labels and "
            + "predictions; perhaps you should use %s_macro%s", metric.nativeName(), watch, found, base,
            metric.kind() == Kind.F1 ? "" : " or " + base + "_micro"));
      }
      return perClass(metric.kind(), confusion, actual, predicted, 1);
    }
    double total = 0;
    for (int c : present) {
      total += perClass(metric.kind(), confusion, actual, predicted, c);
    }
    return total / present.size();
  }

  private double perClass(Kind kind, double[] confusion, double[] actual, double[] predicted, int c) {
    double hits = confusion[c * classes + c];
    double denominator = switch (kind) {
      case PRECISION -> predicted[c];
      case RECALL -> actual[c];
      case F1 -> predicted[c] + actual[c];
      default -> throw new IllegalArgumentException(kind.name());
    };
    if (denominator == 0) {
      return 0;
    }
    return (kind == Kind.F1 ? 2 * hits : hits) / denominator;
  }

  private static double regressionScore(Kind kind, Watch watch, double squares, double absolute) {
    double n = watch.rows;
    return switch (kind) {
      case MSE -> squares / n;
      case RMSE -> Math.sqrt(squares / n);
      case MAE -> absolute / n;
      // scikit-learn's force_finite: constant labels score 1 when predicted exactly, else 0
      case R2 -> watch.totalSquares == 0 ? (squares == 0 ? 1 : 0) : 1 - squares / watch.totalSquares;
      default -> throw new IllegalArgumentException(kind.name());
    };
  }

  /** Python's {@code "%f"}: the exact binary value rounded half-even to six decimals. */
  static double sixDecimals(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return value;
    }
    return new BigDecimal(value).setScale(6, RoundingMode.HALF_EVEN).doubleValue();
  }
}
