package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code _kfold} on data with a known answer: labels that are pure noise. Deep trees memorise
 * the rows they train on (train rmse near 0), but no model can predict noise it never saw, so
 * an honest held-out score is near the noise's standard deviation (0.289 for uniform [0, 1)).
 * Scoring each model on the whole set, as the official image does, would report far less.
 */
class CrossValidationIT {

  @TempDir Path dir;

  @Test
  void eachFoldIsScoredOnRowsItNeverTrainedOn() throws Exception {
    Random random = new Random(11);
    String rows = IntStream.range(0, 400).mapToObj(i -> String.format(Locale.ROOT, "%.6f,%.6f,%.6f,%.6f,%.6f",
        random.nextDouble(), random.nextDouble(), random.nextDouble(), random.nextDouble(), random.nextDouble()))
        .collect(Collectors.joining("\n"));
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"60\", \"max_depth\": \"10\", \"eta\": \"0.5\", \"min_child_weight\": \"0\","
            + " \"_kfold\": \"4\", \"_num_cv_round\": \"2\", \"eval_metric\": \"rmse\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/csv\"}}")
        .channelText("train", "noise.csv", rows + "\n")
        .run();
    assertEquals(0, job.exitCode, job::toString);

    List<String> lines = job.metricLines();
    // per repeat: mean line and -std line; then the overall mean and -std
    assertEquals(6, lines.size(), job::toString);
    String overall = lines.get(4);
    assertTrue(overall.matches("\\[60\\]\ttrain-rmse:[0-9.]+\tvalidation-rmse:[0-9.]+"), overall);
    assertTrue(lines.get(5).matches("\\[60\\]\ttrain-rmse-std:[0-9.]+\tvalidation-rmse-std:[0-9.]+"), lines.get(5));
    double train = Double.parseDouble(overall.replaceAll(".*train-rmse:([0-9.]+).*", "$1"));
    double validation = Double.parseDouble(overall.replaceAll(".*validation-rmse:([0-9.]+).*", "$1"));
    assertTrue(train < 0.05, "deep trees memorise their folds: " + train);
    assertTrue(validation > 0.25, "held-out noise stays unpredictable: " + validation);

    for (int i = 0; i < 8; i++) {
      assertTrue(Files.exists(job.root.resolve("model/xgboost-model-" + i)), "fold model " + i);
    }
    assertFalse(Files.exists(job.model()));

    List<String> csv = Files.readAllLines(job.root.resolve("output/data/predictions.csv"));
    assertEquals("row,label,fold_1,prediction_1,fold_2,prediction_2", csv.get(0));
    assertEquals(401, csv.size());
    double sum = 0;
    int[] perFold = new int[4];
    for (String line : csv.subList(1, csv.size())) {
      String[] f = line.split(",");
      double error = Double.parseDouble(f[3]) - Double.parseDouble(f[1]);
      sum += error * error;
      perFold[Integer.parseInt(f[2])]++;
    }
    double outOfFold = Math.sqrt(sum / 400);
    assertTrue(Math.abs(outOfFold - validation) < 0.03,
        "out-of-fold predictions give the reported held-out rmse: " + outOfFold + " vs " + validation);
    for (int n : perFold) {
      assertEquals(100, n, "folds of equal size");
    }
  }

  /** The fold models are named as the model trained without folds is: Parquet's column names. */
  @Test
  void foldModelsCarryTheParquetColumnNames() throws Exception {
    Path parquet = Path.of("src/test/resources/fixtures/parquet/pandas_named_index.parquet");
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"3\", \"objective\": \"reg:squarederror\", \"_kfold\": \"3\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"application/x-parquet\"},"
            + " \"validation\": {\"ContentType\": \"application/x-parquet\"}}")
        .channel("train", parquet)
        .channel("validation", parquet)
        .run();
    assertEquals(0, job.exitCode, job::toString);
    for (int i = 0; i < 3; i++) {
      Booster booster = XGBoost.loadModel(Files.newInputStream(job.root.resolve("model/xgboost-model-" + i)));
      try {
        assertArrayEquals(new String[] {"area", "rooms"}, booster.getFeatureNames(), "fold model " + i);
      } finally {
        booster.dispose();
      }
    }
  }
}
