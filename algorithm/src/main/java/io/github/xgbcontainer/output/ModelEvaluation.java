package io.github.xgbcontainer.output;

import io.github.xgbcontainer.matrix.Predictions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How the trained model does on one channel's rows (validation, or train where there is none),
 * computed in plain Java from the labels and the model's predictions, for the report's charts.
 * Which kind follows the objective: {@code binary:*} and {@code multi:*} are classifiers,
 * {@code rank:*} rankers, the rest regressors.
 */
public sealed interface ModelEvaluation {

  /** Most points a curve or scatter keeps for drawing; the areas are computed from all rows. */
  int MAX_POINTS = 2_000;

  /** The channel whose rows were predicted. */
  String channel();

  /** Rows predicted. */
  int rows();

  /**
   * Picks the evaluation the objective calls for.
   *
   * @param objective XGBoost's objective name, such as {@code binary:logistic}
   * @param labels one label per row
   * @param predictions per row: one probability (binary), one per class (multi-class), or one score
   * @param groupBounds query boundaries for ranking ({@code [0, n1, n1 + n2, ...]}), else null
   * @param ndcgAt the {@code k} of the ranking metric ({@code ndcg@k}); empty for every position
   * @return empty where the objective has no such chart (survival)
   */
  static java.util.Optional<ModelEvaluation> of(String objective, String channel, float[] labels,
      Predictions predictions, int[] groupBounds, OptionalInt ndcgAt) {
    if (labels.length == 0 || objective.startsWith("survival:")) {
      return java.util.Optional.empty();
    }
    if (objective.startsWith("multi:") && predictions.columns() == 1) {
      predictions = oneHot(labels, predictions); // multi:softmax predicts the class itself
    }
    if (objective.startsWith("binary:") || objective.startsWith("multi:")) {
      return java.util.Optional.of(Classification.of(channel, labels, predictions, 0.5));
    }
    if (objective.startsWith("rank:")) {
      int[] bounds = groupBounds == null || groupBounds.length < 2 ? new int[] {0, labels.length} : groupBounds;
      return java.util.Optional.of(Ranking.of(channel, labels, column(predictions), bounds, ndcgAt));
    }
    return java.util.Optional.of(Regression.of(channel, labels, column(predictions)));
  }

  /** Predicted classes as probabilities of 0 or 1, over the classes the labels and predictions name. */
  private static Predictions oneHot(float[] labels, Predictions predicted) {
    int classes = 2;
    for (int i = 0; i < labels.length; i++) {
      classes = Math.max(classes, Math.max((int) labels[i], (int) predicted.get(i, 0)) + 1);
    }
    float[] out = new float[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      out[i * classes + (int) predicted.get(i, 0)] = 1;
    }
    return new Predictions(out, classes);
  }

  /** The first output of every row: the values themselves where there is one per row. */
  private static float[] column(Predictions predictions) {
    if (predictions.columns() == 1) {
      return predictions.values();
    }
    float[] out = new float[predictions.rows()];
    for (int i = 0; i < out.length; i++) {
      out[i] = predictions.get(i, 0);
    }
    return out;
  }

  /**
   * A curve, such as ROC, as points in order, and the area under it.
   *
   * @param name what the curve is of, such as {@code class 1}
   * @param x the x value of each point
   * @param y the y value of each point
   * @param area the area under the curve (ROC AUC, or average precision for precision-recall)
   */
  record Curve(String name, double[] x, double[] y, double area) {
    public Curve {
      Objects.requireNonNull(name, "name");
      if (x.length != y.length) {
        throw new IllegalArgumentException("curve '" + name + "': " + x.length + " x values but " + y.length + " y values");
      }
      x = x.clone();
      y = y.clone();
    }
  }

  /**
   * One calibration bin: rows whose predicted probability falls into it.
   *
   * @param meanPredicted the mean predicted probability of its rows
   * @param observed the fraction of its rows that are positive (or, multi-class, correct)
   * @param rows how many rows fell into it
   */
  record CalibrationBin(double meanPredicted, double observed, long rows) {}

  /**
   * A classifier's evaluation.
   *
   * @param classes the class labels, {@code 0 .. k-1}
   * @param confusion rows are the actual class, columns the predicted one: counts
   * @param threshold the decision threshold on the probability of class 1 (binary); NaN for
   *     multi-class, where the most probable class is predicted
   * @param roc ROC curves: one (binary) or one per class against the rest
   * @param precisionRecall precision-recall curves, as {@code roc}
   * @param calibration ten equal-width bins: of the probability of class 1 (binary) or of the
   *     predicted class's probability against its accuracy (multi-class)
   */
  record Classification(String channel, int rows, List<String> classes, long[][] confusion, double threshold,
      List<Curve> roc, List<Curve> precisionRecall, List<CalibrationBin> calibration) implements ModelEvaluation {

    public Classification {
      classes = List.copyOf(classes);
      if (confusion.length != classes.size()) {
        throw new IllegalArgumentException(classes.size() + " classes but " + confusion.length + " confusion rows");
      }
      roc = List.copyOf(roc);
      precisionRecall = List.copyOf(precisionRecall);
      calibration = List.copyOf(calibration);
    }

    /** Whether there are two classes and one probability per row. */
    public boolean binary() {
      return classes.size() == 2;
    }

    /** The fraction of rows classified correctly. */
    public double accuracy() {
      long correct = 0;
      long all = 0;
      for (int i = 0; i < confusion.length; i++) {
        for (int j = 0; j < confusion[i].length; j++) {
          all += confusion[i][j];
          if (i == j) {
            correct += confusion[i][j];
          }
        }
      }
      return all == 0 ? Double.NaN : (double) correct / all;
    }

    /**
     * @param probabilities per row: one value, the probability of class 1; or one per class
     * @param threshold the binary decision threshold
     */
    public static Classification of(String channel, float[] labels, Predictions probabilities, double threshold) {
      int n = labels.length;
      if (probabilities.rows() != n) {
        throw new IllegalArgumentException(n + " labels but " + probabilities.rows() + " predictions");
      }
      int width = n == 0 ? 1 : probabilities.columns();
      if (width == 1) {
        float[] p = column(probabilities);
        boolean[] positive = new boolean[n];
        long[][] confusion = new long[2][2];
        for (int i = 0; i < n; i++) {
          positive[i] = labels[i] > 0.5f;
          confusion[positive[i] ? 1 : 0][p[i] >= threshold ? 1 : 0]++;
        }
        int[] order = descending(p);
        return new Classification(channel, n, List.of("0", "1"), confusion, threshold,
            List.of(rocCurve("class 1", p, order, positive)),
            List.of(precisionRecallCurve("class 1", p, order, positive)),
            calibrationBins(p, positive));
      }
      long[][] confusion = new long[width][width];
      float[] confidence = new float[n];
      boolean[] correct = new boolean[n];
      for (int i = 0; i < n; i++) {
        int predicted = 0;
        for (int c = 1; c < width; c++) {
          if (probabilities.get(i, c) > probabilities.get(i, predicted)) {
            predicted = c;
          }
        }
        int actual = (int) labels[i];
        if (actual < 0 || actual >= width) {
          throw new IllegalArgumentException("row " + i + ": label " + labels[i] + " is not a class in [0, " + width + ")");
        }
        confusion[actual][predicted]++;
        confidence[i] = probabilities.get(i, predicted);
        correct[i] = actual == predicted;
      }
      List<String> classes = new ArrayList<>();
      List<Curve> rocs = new ArrayList<>();
      List<Curve> prs = new ArrayList<>();
      for (int c = 0; c < width; c++) {
        classes.add(Integer.toString(c));
        float[] score = new float[n];
        boolean[] positive = new boolean[n];
        for (int i = 0; i < n; i++) {
          score[i] = probabilities.get(i, c);
          positive[i] = (int) labels[i] == c;
        }
        int[] order = descending(score);
        rocs.add(rocCurve("class " + c, score, order, positive));
        prs.add(precisionRecallCurve("class " + c, score, order, positive));
      }
      return new Classification(channel, n, classes, confusion, Double.NaN, rocs, prs, calibrationBins(confidence, correct));
    }
  }

  /**
   * A regressor's evaluation.
   *
   * @param actual labels of the plotted rows (at most {@link #MAX_POINTS}, evenly spread)
   * @param predicted predictions of the same rows
   * @param residualEdges the residual histogram's bin edges (one more than the counts)
   * @param residualCounts rows per residual bin, residual = actual - predicted, over all rows
   * @param rmse root mean squared error over all rows
   * @param mae mean absolute error over all rows
   */
  record Regression(String channel, int rows, float[] actual, float[] predicted, double[] residualEdges,
      long[] residualCounts, double rmse, double mae) implements ModelEvaluation {

    public Regression {
      if (actual.length != predicted.length || residualEdges.length != residualCounts.length + 1) {
        throw new IllegalArgumentException("mismatched regression arrays");
      }
    }

    public static Regression of(String channel, float[] labels, float[] predictions) {
      int n = labels.length;
      double squares = 0;
      double absolute = 0;
      double[] residual = new double[n];
      for (int i = 0; i < n; i++) {
        residual[i] = (double) labels[i] - predictions[i];
        squares += residual[i] * residual[i];
        absolute += Math.abs(residual[i]);
      }
      int[] kept = KeptPoints.spread(n);
      float[] a = new float[kept.length];
      float[] p = new float[kept.length];
      for (int i = 0; i < kept.length; i++) {
        a[i] = labels[kept[i]];
        p[i] = predictions[kept[i]];
      }
      Histogram h = Histogram.of(residual, 30);
      return new Regression(channel, n, a, p, h.edges, h.counts, Math.sqrt(squares / Math.max(1, n)),
          absolute / Math.max(1, n));
    }
  }

  /**
   * A ranker's evaluation: NDCG per query, with XGBoost's gain {@code 2^relevance - 1}.
   *
   * @param at the {@code k} of NDCG@k, or empty for every position
   * @param ndcg NDCG of each query that has a relevant document, in query order
   * @param queries queries in all, those without a relevant document included (which XGBoost
   *     scores as 1 and which are left out of {@code ndcg})
   */
  record Ranking(String channel, int rows, OptionalInt at, double[] ndcg, int queries) implements ModelEvaluation {

    public Ranking {
      Objects.requireNonNull(at, "at");
      ndcg = ndcg.clone();
    }

    /** The mean NDCG of the queries that have a relevant document. */
    public double mean() {
      return Arrays.stream(ndcg).average().orElse(Double.NaN);
    }

    /** Rows per query bin, as {@link Histogram} makes them over [0, 1]. */
    public Histogram histogram() {
      return Histogram.over(ndcg, 20, 0, 1);
    }

    public static Ranking of(String channel, float[] labels, float[] scores, int[] bounds, OptionalInt at) {
      List<Double> values = new ArrayList<>();
      for (int q = 0; q + 1 < bounds.length; q++) {
        double v = ndcg(labels, scores, bounds[q], bounds[q + 1], at.orElse(Integer.MAX_VALUE));
        if (!Double.isNaN(v)) {
          values.add(v);
        }
      }
      return new Ranking(channel, labels.length, at, values.stream().mapToDouble(Double::doubleValue).toArray(),
          bounds.length - 1);
    }

    /** NDCG@k of rows {@code [from, to)}; NaN when none is relevant. Ties keep row order. */
    static double ndcg(float[] labels, float[] scores, int from, int to, int k) {
      Integer[] byScore = new Integer[to - from];
      for (int i = 0; i < byScore.length; i++) {
        byScore[i] = from + i;
      }
      Integer[] ideal = byScore.clone();
      Arrays.sort(byScore, (x, y) -> Float.compare(scores[y], scores[x]));
      Arrays.sort(ideal, (x, y) -> Float.compare(labels[y], labels[x]));
      double dcg = 0;
      double idcg = 0;
      for (int r = 0; r < Math.min(k, byScore.length); r++) {
        double discount = Math.log(r + 2) / Math.log(2);
        dcg += (Math.pow(2, labels[byScore[r]]) - 1) / discount;
        idcg += (Math.pow(2, labels[ideal[r]]) - 1) / discount;
      }
      return idcg == 0 ? Double.NaN : dcg / idcg;
    }
  }

  /**
   * Counts per equal-width bin.
   *
   * @param edges bin edges, one more than the counts
   * @param counts values per bin; the last bin includes its upper edge
   */
  record Histogram(double[] edges, long[] counts) {

    static Histogram of(double[] values, int bins) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (double v : values) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
      if (lo > hi) {
        lo = 0;
        hi = 1;
      }
      if (lo == hi) {
        lo -= 0.5;
        hi += 0.5;
      }
      return over(values, bins, lo, hi);
    }

    static Histogram over(double[] values, int bins, double lo, double hi) {
      double[] edges = new double[bins + 1];
      for (int i = 0; i <= bins; i++) {
        edges[i] = lo + (hi - lo) * i / bins;
      }
      long[] counts = new long[bins];
      for (double v : values) {
        if (Double.isFinite(v)) {
          int bin = (int) Math.floor((v - lo) / (hi - lo) * bins);
          counts[Math.max(0, Math.min(bins - 1, bin))]++;
        }
      }
      return new Histogram(edges, counts);
    }
  }

  /**
   * ROC: false positive rate against true positive rate, one point per distinct score; {@code order}
   * is {@link #descending}{@code (score)}, sorted once for this curve and the precision-recall one.
   */
  static Curve rocCurve(String name, float[] score, int[] order, boolean[] positive) {
    long positives = 0;
    for (boolean p : positive) {
      positives += p ? 1 : 0;
    }
    long negatives = positive.length - positives;
    // The origin, then one point per distinct score; only the kept ones are stored (a million
    // distinct scores made a million two-double arrays of garbage per curve after the last round).
    KeptPoints points = new KeptPoints(1 + thresholds(score, order));
    points.add(0, 0);
    double lastX = 0;
    double lastY = 0;
    long tp = 0;
    long fp = 0;
    double area = 0;
    for (int i = 0; i < order.length; i++) {
      if (positive[order[i]]) {
        tp++;
      } else {
        fp++;
      }
      // tied scores are one threshold: only the last row of a tie makes a point
      if (i + 1 < order.length && score[order[i + 1]] == score[order[i]]) {
        continue;
      }
      double x = negatives == 0 ? 0 : (double) fp / negatives;
      double y = positives == 0 ? 0 : (double) tp / positives;
      area += (x - lastX) * (y + lastY) / 2;
      lastX = x;
      lastY = y;
      points.add(x, y);
    }
    if (positives == 0 || negatives == 0) {
      area = Double.NaN; // undefined with one class only
    }
    return points.curve(name, area);
  }

  /**
   * Precision-recall: recall against precision, one point per distinct score; the area is the
   * average precision (the sum of precision times each step in recall), which does not
   * interpolate between points; {@code order} is {@link #descending}{@code (score)}.
   */
  static Curve precisionRecallCurve(String name, float[] score, int[] order, boolean[] positive) {
    long positives = 0;
    for (boolean p : positive) {
      positives += p ? 1 : 0;
    }
    KeptPoints points = new KeptPoints(thresholds(score, order));
    long tp = 0;
    double area = 0;
    double lastRecall = 0;
    for (int i = 0; i < order.length; i++) {
      if (positive[order[i]]) {
        tp++;
      }
      if (i + 1 < order.length && score[order[i + 1]] == score[order[i]]) {
        continue;
      }
      double recall = positives == 0 ? 0 : (double) tp / positives;
      double precision = (double) tp / (i + 1);
      area += (recall - lastRecall) * precision;
      lastRecall = recall;
      points.add(recall, precision);
    }
    return points.curve(name, positives == 0 ? Double.NaN : area);
  }

  /** The number of distinct scores in {@code order}: the rows that end a run of ties. */
  private static int thresholds(float[] score, int[] order) {
    int n = 0;
    for (int i = 0; i < order.length; i++) {
      if (!(i + 1 < order.length && score[order[i + 1]] == score[order[i]])) {
        n++;
      }
    }
    return n;
  }

  /** Ten equal-width bins of the predicted probability; empty bins are left out. */
  static List<CalibrationBin> calibrationBins(float[] probability, boolean[] positive) {
    int bins = 10;
    double[] sum = new double[bins];
    long[] hits = new long[bins];
    long[] rows = new long[bins];
    for (int i = 0; i < probability.length; i++) {
      int bin = Math.max(0, Math.min(bins - 1, (int) Math.floor(probability[i] * bins)));
      sum[bin] += probability[i];
      hits[bin] += positive[i] ? 1 : 0;
      rows[bin]++;
    }
    List<CalibrationBin> out = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      if (rows[b] > 0) {
        out.add(new CalibrationBin(sum[b] / rows[b], (double) hits[b] / rows[b], rows[b]));
      }
    }
    return out;
  }

  /**
   * Row indexes by score, highest first in {@link Float#compare}'s order (NaN first, 0.0 before
   * -0.0), tied rows in row order. A stable least-significant-digit radix sort of an int key that
   * orders as the floats do, 11 bits a pass, skipping a pass where every key has the same digit
   * (a few trees' scores share their high bits): about a quarter of the time of sorting packed
   * (key, row) longs at a million rows, which stood on the critical path after the last round. It
   * holds three ints per row (the keys stay in row order, only the row indexes move), no more than
   * the packed sort did, for jobs that train in a small heap.
   */
  static int[] descending(float[] score) {
    int n = score.length;
    // the keys are computed from the scores at each pass rather than kept: a million rows' third
    // int array (4 MB) was heap the report's phase touched at the job's peak
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int bits = 11;
    int mask = (1 << bits) - 1;
    int[] start = new int[mask + 2];
    int[] next = null;
    for (int shift = 0; shift < Integer.SIZE; shift += bits) {
      java.util.Arrays.fill(start, 0);
      for (int i = 0; i < n; i++) {
        start[(key(score[i]) >>> shift & mask) + 1]++;
      }
      if (n == 0 || start[(key(score[0]) >>> shift & mask) + 1] == n) {
        continue;
      }
      for (int d = 0; d < mask + 1; d++) {
        start[d + 1] += start[d];
      }
      if (next == null) {
        next = new int[n];
      }
      for (int i = 0; i < n; i++) {
        int row = order[i];
        next[start[key(score[row]) >>> shift & mask]++] = row;
      }
      int[] swap = order;
      order = next;
      next = swap;
    }
    return order;
  }

  /**
   * An int that orders as {@link Float#compare} orders the floats, inverted for highest first, with
   * its sign bit flipped so that unsigned digits order as the signed int.
   */
  private static int key(float score) {
    int bits = Float.floatToIntBits(score);
    return ~(bits ^ (bits >> 31 & Integer.MAX_VALUE)) ^ Integer.MIN_VALUE;
  }
}
