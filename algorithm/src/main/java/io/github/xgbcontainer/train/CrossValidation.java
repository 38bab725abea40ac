package io.github.xgbcontainer.train;

import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.data.RowSelection;
import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.hyperparameters.Hyperparameters;
import io.github.xgbcontainer.hyperparameters.Objective;
import io.github.xgbcontainer.matrix.MatrixFactory;
import io.github.xgbcontainer.matrix.MatrixOptions;
import io.github.xgbcontainer.matrix.Predictions;
import io.github.xgbcontainer.output.ModelOutputs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Repeated k-fold cross-validation ({@code _kfold}, {@code _num_cv_round}) on the train channel
 * (with the validation channel's rows added, as the official image does). Unlike the official
 * image, which evaluates every fold's model on the whole data set, each model here is evaluated on
 * its own held-out fold only, so the reported validation scores are honest. Folds are stratified
 * by label for classification objectives and seeded by {@code seed}.
 */
final class CrossValidation {

  /**
   * What cross-validation produced.
   *
   * @param models every fold's model (UBJSON), repeat by repeat
   * @param foldScores every fold's final scores ({@code train-rmse}, {@code validation-rmse}, ...)
   * @param folds per repeat, the fold of every row
   * @param predictions per repeat, every row's out-of-fold prediction (one value per output), in row order
   * @param foldHistories every fold's scores per round, {@code channel-metric} to its series
   */
  record Result(List<byte[]> models, List<Map<String, Double>> foldScores, int[][] folds,
      Predictions[] predictions, float[] labels, List<Map<String, List<Double>>> foldHistories) {}

  private final Hyperparameters hp;
  private final MatrixFactory matrices;
  private final MatrixOptions options;
  private final Consumer<String> metricOut;
  private final Consumer<String> log;

  CrossValidation(Hyperparameters hp, MatrixFactory matrices, MatrixOptions options, Consumer<String> metricOut,
      Consumer<String> log) {
    this.hp = hp;
    this.matrices = matrices;
    this.options = options;
    this.metricOut = metricOut;
    this.log = log;
  }

  Result run(ChannelData data) {
    int k = hp.kfold().orElseThrow();
    int repeats = hp.numCvRound();
    float[] labels = RowSelection.labels(data);
    long seed = hp.seed();
    int[] groupOfRow = RowSelection.groupOfRows(data);
    Objective objective = hp.resolvedObjective();
    boolean stratified = groupOfRow == null && (objective.isMultiClass() || objective.isBinary());
    log.accept(String.format(Locale.ROOT, "cross-validation: %d repeat(s) of %d-fold%s on %d rows",
        repeats, k, stratified ? ", stratified by label" : groupOfRow != null
            ? ", whole queries per fold (" + data.groups().length + " queries)" : "", labels.length));
    List<byte[]> models = new ArrayList<>();
    List<Map<String, Double>> scores = new ArrayList<>();
    List<Map<String, List<Double>>> histories = new ArrayList<>();
    int[][] folds = new int[repeats][];
    Predictions[] predictions = new Predictions[repeats];
    MatrixOptions plain = new MatrixOptions(options.missing(), options.maxBin(), options.nthread(), false);
    for (int r = 0; r < repeats; r++) {
      folds[r] = groupOfRow == null ? assign(labels, k, new SplittableRandom(seed + r), stratified)
          : assignQueries(groupOfRow, data.groups().length, k, new SplittableRandom(seed + r));
      for (int f = 0; f < k; f++) {
        int[] trainRows = rows(folds[r], f, false);
        int[] heldOut = rows(folds[r], f, true);
        DMatrix dtrain;
        DMatrix dtest;
        try (ChannelData trainPart = RowSelection.select(data, trainRows, "train (fold " + (f + 1) + ")");
             ChannelData testPart = RowSelection.select(data, heldOut, "validation (fold " + (f + 1) + ")")) {
          dtrain = matrices.buildConsuming(trainPart, options);
          dtest = matrices.build(testPart, plain, null);
        }
        try {
          // a warning (early stopping off) is the same for every fold: say it once
          Consumer<String> warn = r == 0 && f == 0 ? log : line -> { };
          Trainer trainer = new Trainer(hp, line -> { }, line -> { }, warn, Long.MAX_VALUE,
              java.util.function.UnaryOperator.identity());
          TrainingResult result = trainer.train(dtrain, Optional.of(dtest));
          Booster booster = result.booster();
          try {
            Map<String, Double> last = result.history().get(result.history().size() - 1).scores();
            scores.add(last);
            histories.add(ModelOutputs.series(result.history().stream().map(EvaluationLine::scores).toList()));
            log.accept(String.format(Locale.ROOT, "cross-validation repeat %d fold %d/%d: %d rows held out, %s",
                r + 1, f + 1, k, heldOut.length, describe(last)));
            Predictions predicted = Predictions.of(booster, dtest, false);
            int columns = predicted.columns();
            if (predictions[r] == null) {
              predictions[r] = new Predictions(new float[labels.length * columns], columns);
            }
            for (int i = 0; i < heldOut.length; i++) {
              System.arraycopy(predicted.values(), i * columns, predictions[r].values(), heldOut[i] * columns, columns);
            }
            models.add(ModelOutputs.modelBytes(booster));
          } finally {
            booster.dispose();
          }
        } catch (XGBoostError e) {
          throw XgboostErrors.translate(e);
        } finally {
          dtrain.dispose();
          dtest.dispose();
        }
      }
      List<Map<String, Double>> thisRepeat = scores.subList(scores.size() - k, scores.size());
      log.accept("cross-validation repeat " + (r + 1) + " of " + repeats + ": mean of " + k + " folds");
      report(thisRepeat);
    }
    if (repeats > 1) {
      log.accept("cross-validation: mean of all " + scores.size() + " folds");
      report(scores);
    }
    return new Result(models, scores, folds, predictions, labels, histories);
  }

  /**
   * Prints the mean line SageMaker's metric regexes read (the last such line is the job's final
   * value, which model tuning uses), then the standard deviations as {@code <name>-std}, which
   * those regexes do not match.
   */
  private void report(List<Map<String, Double>> folds) {
    Map<String, double[]> byName = new LinkedHashMap<>();
    for (Map<String, Double> fold : folds) {
      fold.forEach((name, v) -> byName.computeIfAbsent(name, n -> new double[folds.size()]));
    }
    for (int i = 0; i < folds.size(); i++) {
      int at = i;
      folds.get(i).forEach((name, v) -> byName.get(name)[at] = v);
    }
    Map<String, Double> means = new LinkedHashMap<>();
    Map<String, Double> stds = new LinkedHashMap<>();
    for (String name : ordered(byName.keySet())) {
      double[] v = byName.get(name);
      double mean = 0;
      for (double x : v) {
        mean += x / v.length;
      }
      double var = 0;
      for (double x : v) {
        var += (x - mean) * (x - mean) / v.length;
      }
      means.put(name, mean);
      stds.put(name + "-std", Math.sqrt(var));
    }
    metricOut.accept(new EvaluationLine(hp.numRound(), means).format());
    metricOut.accept(new EvaluationLine(hp.numRound(), stds).format());
  }

  /** train-m1, validation-m1, train-m2, validation-m2: the official image's order. */
  private static List<String> ordered(java.util.Set<String> names) {
    Map<String, List<String>> byMetric = new LinkedHashMap<>();
    for (String name : names) {
      String metric = name.substring(name.indexOf('-') + 1);
      byMetric.computeIfAbsent(metric, m -> new ArrayList<>()).add(name);
    }
    List<String> out = new ArrayList<>();
    byMetric.values().forEach(out::addAll);
    return out;
  }

  private static String describe(Map<String, Double> scores) {
    StringBuilder out = new StringBuilder();
    scores.forEach((name, v) -> out.append(out.length() == 0 ? "" : ", ")
        .append(name).append(' ').append(String.format(Locale.ROOT, "%.5f", v)));
    return out.toString();
  }

  /** Deals rows to folds: shuffled, and for classification class by class so each fold keeps the class mix. */
  static int[] assign(float[] labels, int k, SplittableRandom random, boolean stratified) {
    if (labels.length < k) {
      throw new io.github.xgbcontainer.error.UserError("hyperparameter '_kfold': " + k
          + " folds need at least " + k + " rows, but the data has " + labels.length);
    }
    int[] order = new int[labels.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] fold = new int[labels.length];
    if (!stratified) {
      for (int i = 0; i < order.length; i++) {
        fold[order[i]] = i % k;
      }
      return fold;
    }
    Map<Float, List<Integer>> byClass = new TreeMap<>();
    for (int row : order) {
      byClass.computeIfAbsent(labels[row], c -> new ArrayList<>()).add(row);
    }
    int next = 0;
    for (List<Integer> rows : byClass.values()) {
      for (int row : rows) {
        fold[row] = next++ % k;
      }
    }
    return fold;
  }

  /**
   * Deals whole queries to folds (learning to rank): a query split between a fold's training and
   * held-out rows would leak, and its held-out part would be ranked without the rest.
   */
  static int[] assignQueries(int[] groupOfRow, int queries, int k, SplittableRandom random) {
    if (queries < k) {
      throw new io.github.xgbcontainer.error.UserError("hyperparameter '_kfold': " + k
          + " folds need at least " + k + " queries, but the data has " + queries);
    }
    int[] foldOfQuery = assign(new float[queries], k, random, false);
    int[] fold = new int[groupOfRow.length];
    for (int row = 0; row < fold.length; row++) {
      fold[row] = foldOfQuery[groupOfRow[row]];
    }
    return fold;
  }

  private static int[] rows(int[] fold, int f, boolean in) {
    int n = 0;
    for (int x : fold) {
      if ((x == f) == in) {
        n++;
      }
    }
    int[] rows = new int[n];
    int at = 0;
    for (int i = 0; i < fold.length; i++) {
      if ((fold[i] == f) == in) {
        rows[at++] = i;
      }
    }
    return rows;
  }
}
