package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end runs of {@code train} in a child JVM on the official image's test data. */
class TrainCommandIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LIBSVM_CHANNELS =
      "{\"train\": {\"ContentType\": \"libsvm\", \"TrainingInputMode\": \"File\"},"
      + " \"validation\": {\"ContentType\": \"text/libsvm\", \"TrainingInputMode\": \"File\"}}";
  private static final String CSV_TRAIN = "{\"train\": {\"ContentType\": \"text/csv\"}}";

  @TempDir Path dir;

  private TrainJob job() throws IOException {
    return new TrainJob(dir.resolve("opt_ml"));
  }

  private JsonNode json(TrainJob job, String name) throws IOException {
    return JSON.readTree(job.root.resolve("output/data").resolve(name).toFile());
  }

  @Test
  void abaloneRegression_trainsWithValidationAndWritesEverything() throws Exception {
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"10\", \"objective\": \"reg:squarederror\", \"max_depth\": \"4\","
            + " \"eval_metric\": \"rmse,mae\", \"sagemaker_program\": \"ignored\"}")
        .inputDataConfig(LIBSVM_CHANNELS)
        .channel("train", TrainJob.ANCHOR.resolve("abalone/data/train"))
        .channel("validation", TrainJob.ANCHOR.resolve("abalone/data/validation"))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    List<String> lines = job.metricLines();
    assertEquals(10, lines.size(), job::toString);
    assertTrue(lines.get(0).matches("\\[0\\]\ttrain-rmse:[0-9.]+\ttrain-mae:[0-9.]+\tvalidation-rmse:[0-9.]+"
        + "\tvalidation-mae:[0-9.]+"), lines.get(0));
    // the built-in algorithm's metric definition for validation:rmse, tab shown as CloudWatch's #011
    Matcher m = Pattern.compile(".*\\[[0-9]+\\].*#011validation-rmse:([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*")
        .matcher(lines.get(9).replace("\t", "#011"));
    assertTrue(m.find(), lines.get(9));
    double last = Double.parseDouble(m.group(1));
    assertTrue(last < 3.0, "validation rmse after 10 rounds on abalone: " + last);

    Booster booster = XGBoost.loadModel(Files.newInputStream(job.model()));
    assertEquals(10, booster.getNumBoostedRound());
    booster.dispose();
    assertEquals(List.of("xgboost-model"), job.modelDirEntries());
    assertEquals(null, job.failure());

    JsonNode history = json(job, "evaluation_history.json");
    assertEquals(10, history.get("rounds").asInt());
    assertEquals(10, history.get("metrics").get("validation-rmse").size());
    JsonNode importance = json(job, "feature_importance.json");
    for (String type : List.of("weight", "gain", "cover", "total_gain", "total_cover")) {
      assertTrue(importance.get(type).size() > 0, type);
    }
  }

  @Test
  void abaloneBinary_reportsAuc() throws Exception {
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"5\", \"objective\": \"binary:logistic\", \"eval_metric\": \"auc\"}")
        .inputDataConfig(LIBSVM_CHANNELS)
        .channel("train", TrainJob.ANCHOR.resolve("abalone-binary/data/train"))
        .channel("validation", TrainJob.ANCHOR.resolve("abalone-binary/data/validation"))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    String last = job.metricLines().get(4);
    assertTrue(last.matches("\\[4\\]\ttrain-auc:0\\.[0-9]{5}\tvalidation-auc:0\\.[0-9]{5}"), last);
  }

  @Test
  void subfolders_areReadRecursively() throws Exception {
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"3\"}")
        .inputDataConfig("{\"train\": {}}")
        .channel("train", TrainJob.ANCHOR.resolve("abalone-subdirs/train"))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    assertTrue(job.stderr.contains("channel 'train': 2922 rows, 9 features, text/libsvm from 2 file(s)"), job.stderr);
    assertTrue(job.stderr.contains("training matrix: QuantileDMatrix (native shim); parsed values released after the "
        + "build; resident "), job.stderr);
  }

  @Test
  void csv_andWeightedCsv_train() throws Exception {
    TrainJob plain = new TrainJob(dir.resolve("plain"))
        .hyperparameters("{\"num_round\": \"2\", \"objective\": \"binary:logistic\"}")
        .inputDataConfig(CSV_TRAIN)
        .channel("train", TrainJob.ANCHOR.resolve("data/csv/multiple_files"))
        .run();
    assertEquals(0, plain.exitCode, plain::toString);
    assertTrue(plain.stderr.contains("channel 'train': 10 rows, 5 features, text/csv from 2 file(s)"), plain.stderr);
    // dense, no value missing: XGBoost's last pass does not read the values, so they go before it
    assertTrue(plain.stderr.contains("training matrix: QuantileDMatrix (native shim); parsed values released from "
        + "XGBoost's pass 3 of 4; resident "), plain.stderr);

    TrainJob weighted = new TrainJob(dir.resolve("weighted"))
        .hyperparameters("{\"num_round\": \"2\", \"objective\": \"binary:logistic\", \"csv_weights\": \"1\"}")
        .inputDataConfig(CSV_TRAIN)
        .channel("train", TrainJob.ANCHOR.resolve("data/csv/weighted_csv_files"))
        .run();
    assertEquals(0, weighted.exitCode, weighted::toString);
    assertTrue(weighted.stderr.contains("channel 'train': 5 rows, 5 features, text/csv"), weighted.stderr);
  }

  @Test
  void weightedLibsvm_trains() throws Exception {
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"2\", \"objective\": \"binary:logistic\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/x-libsvm\"}}")
        .channel("train", TrainJob.ANCHOR.resolve("data/libsvm/train.libsvm.weights"))
        .run();
    assertEquals(0, job.exitCode, job::toString);
  }

  @Test
  void earlyStopping_stopsAndRecordsBestIteration() throws Exception {
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"1000\", \"eta\": \"0.5\", \"early_stopping_rounds\": \"5\","
            + " \"eval_metric\": \"rmse\"}")
        .inputDataConfig(LIBSVM_CHANNELS)
        .channel("train", TrainJob.ANCHOR.resolve("early_stopping/data/train"))
        .channel("validation", TrainJob.ANCHOR.resolve("abalone/data/validation"))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    JsonNode history = json(job, "evaluation_history.json");
    int rounds = history.get("rounds").asInt();
    int best = history.get("best_iteration").asInt();
    assertTrue(rounds < 1000, "stopped early");
    assertEquals(best + 6, rounds, "training ran patience rounds past the best");
    assertTrue(history.get("stopped_early").asBoolean());
    assertEquals("validation-rmse", history.get("stopping_metric").asText());
    Booster booster = XGBoost.loadModel(Files.newInputStream(job.model()));
    assertEquals(Integer.toString(best), booster.getAttr("best_iteration"));
    assertEquals(history.get("best_score").asDouble(), Double.parseDouble(booster.getAttr("best_score")));
    // EarlyStopping(save_best=True), as the official image saves it: the trees up to the best round only
    assertEquals(best + 1, booster.getNumBoostedRound(), "rounds in the saved model");
    assertEquals(best + 1, booster.getModelDump("", false).length, "trees in the saved model");
    booster.dispose();
  }

  /** Rows of 4 features whose label is a noisy function of the first two, in 2 or 3 classes. */
  private static float[][] rows(long seed, int n, int classes) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    float[][] rows = new float[n][5];
    for (float[] row : rows) {
      for (int j = 1; j < 5; j++) {
        row[j] = (float) random.nextGaussian();
      }
      double signal = row[1] + 0.5 * row[2] + 0.8 * random.nextGaussian();
      row[0] = classes == 2 ? (signal > 0 ? 1 : 0) : (signal < -0.5 ? 0 : signal < 0.5 ? 1 : 2);
    }
    return rows;
  }

  private static String csv(float[][] rows) {
    StringBuilder out = new StringBuilder();
    for (float[] row : rows) {
      for (int j = 0; j < row.length; j++) {
        out.append(j == 0 ? "" : ",").append(Float.toString(row[j]));
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** The rows as the container reads them: features after the label. */
  private static ml.dmlc.xgboost4j.java.DMatrix matrix(float[][] rows) throws Exception {
    float[] values = new float[rows.length * 4];
    float[] labels = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      labels[i] = rows[i][0];
      System.arraycopy(rows[i], 1, values, i * 4, 4);
    }
    ml.dmlc.xgboost4j.java.DMatrix m = new ml.dmlc.xgboost4j.java.DMatrix(values, rows.length, 4, Float.NaN);
    m.setLabel(labels);
    return m;
  }

  private static final String CSV_CHANNELS = "{\"train\": {\"ContentType\": \"text/csv\"},"
      + " \"validation\": {\"ContentType\": \"text/csv\"}}";

  private static java.util.Map<String, Double> scores(String line) {
    java.util.Map<String, Double> scores = new java.util.LinkedHashMap<>();
    String[] parts = line.split("\t");
    for (int i = 1; i < parts.length; i++) {
      int colon = parts[i].lastIndexOf(':');
      scores.put(parts[i].substring(0, colon), Double.parseDouble(parts[i].substring(colon + 1)));
    }
    return scores;
  }

  @Test
  void earlyStopping_multiClass_savesNumClassTreesPerRoundUpToTheBest() throws Exception {
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"300\", \"eta\": \"0.8\", \"objective\": \"multi:softprob\","
            + " \"num_class\": \"3\", \"early_stopping_rounds\": \"3\", \"eval_metric\": \"mlogloss\"}")
        .inputDataConfig(CSV_CHANNELS)
        .channelText("train", "train.csv", csv(rows(1, 400, 3)))
        .channelText("validation", "validation.csv", csv(rows(2, 200, 3)))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    JsonNode history = json(job, "evaluation_history.json");
    int best = history.get("best_iteration").asInt();
    assertEquals(best + 4, history.get("rounds").asInt());
    Booster booster = XGBoost.loadModel(Files.newInputStream(job.model()));
    assertEquals(best + 1, booster.getNumBoostedRound());
    assertEquals((best + 1) * 3, booster.getModelDump("", false).length, "num_class trees per round");
    assertEquals(Integer.toString(best), booster.getAttr("best_iteration"));
    booster.dispose();
  }

  @Test
  void earlyStopping_withoutAMetric_trainsEveryRoundAndWarns() throws Exception {
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"25\", \"eta\": \"1\", \"objective\": \"binary:logistic\","
            + " \"early_stopping_rounds\": \"1\"}")
        .inputDataConfig(CSV_CHANNELS)
        .channelText("train", "train.csv", csv(rows(3, 200, 2)))
        .channelText("validation", "validation.csv", csv(rows(4, 100, 2)))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    assertEquals(25, job.metricLines().size(), job::toString);
    assertTrue(job.stderr.contains("WARNING early_stopping_rounds is set, but neither eval_metric nor "
        + "_tuning_objective_metric names a metric to watch: early stopping is off and all 25 rounds (num_round) "
        + "run; perhaps you should set eval_metric (its last metric decides)"), job.stderr);
    Booster booster = XGBoost.loadModel(Files.newInputStream(job.model()));
    assertEquals(25, booster.getNumBoostedRound());
    booster.dispose();
    assertFalse(json(job, "evaluation_history.json").has("best_iteration"));
  }

  @Test
  void earlyStopping_withoutValidation_trainsEveryRoundAndWarns() throws Exception {
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"25\", \"eta\": \"1\", \"objective\": \"binary:logistic\","
            + " \"early_stopping_rounds\": \"1\", \"eval_metric\": \"logloss\"}")
        .inputDataConfig(CSV_TRAIN)
        .channelText("train", "train.csv", csv(rows(5, 200, 2)))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    assertEquals(25, job.metricLines().size(), job::toString);
    assertTrue(job.stderr.contains("WARNING early_stopping_rounds is set, but there is no 'validation' channel to "
        + "watch: early stopping is off and all 25 rounds (num_round) run; perhaps you should add a validation "
        + "channel"), job.stderr);
  }

  @Test
  void containerMetrics_printedEachRoundAndEqualScoresOfTheSavedModel() throws Exception {
    float[][] validation = rows(7, 300, 2);
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"6\", \"max_depth\": \"2\", \"objective\": \"binary:logistic\","
            + " \"eval_metric\": \"accuracy,f1_binary,precision,recall_macro,balanced_accuracy,mse\","
            + " \"_tuning_objective_metric\": \"validation:f1\"}")
        .inputDataConfig(CSV_CHANNELS)
        .channelText("train", "train.csv", csv(rows(6, 400, 2)))
        .channelText("validation", "validation.csv", csv(validation))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    List<String> lines = job.metricLines();
    assertEquals(6, lines.size(), job::toString);
    java.util.Map<String, Double> last = scores(lines.get(5));
    assertEquals(List.of("train-logloss", "train-accuracy", "train-f1_binary", "train-precision",
        "train-recall_macro", "train-balanced_accuracy", "train-mse", "train-f1", "validation-logloss",
        "validation-accuracy", "validation-f1_binary", "validation-precision", "validation-recall_macro",
        "validation-balanced_accuracy", "validation-mse", "validation-f1"), List.copyOf(last.keySet()));
    // SageMaker tuning's regex for validation:f1 finds it
    assertTrue(Pattern.compile(".*\\[[0-9]+\\].*#011validation-f1:([-+]?[0-9]*\\.?[0-9]+)")
        .matcher(lines.get(5).replace("\t", "#011")).find(), lines.get(5));

    // the reference: the saved model's probabilities on the validation rows, scored by hand
    Booster booster = XGBoost.loadModel(Files.newInputStream(job.model()));
    ml.dmlc.xgboost4j.java.DMatrix dval = matrix(validation);
    float[][] p = booster.predict(dval);
    long tp = 0, fp = 0, fn = 0, tn = 0;
    double squares = 0;
    for (int i = 0; i < validation.length; i++) {
      boolean predicted = p[i][0] > 0.5f;
      boolean actual = validation[i][0] == 1f;
      tp += predicted && actual ? 1 : 0;
      fp += predicted && !actual ? 1 : 0;
      fn += !predicted && actual ? 1 : 0;
      tn += !predicted && !actual ? 1 : 0;
      squares += (validation[i][0] - p[i][0]) * (double) (validation[i][0] - p[i][0]);
    }
    dval.dispose();
    booster.dispose();
    double precision = tp / (double) (tp + fp);
    double recall = tp / (double) (tp + fn);
    double precision0 = tn / (double) (tn + fn);
    double recall0 = tn / (double) (tn + fp);
    double f1 = 2 * precision * recall / (precision + recall);
    double f10 = 2 * precision0 * recall0 / (precision0 + recall0);
    assertEquals((tp + tn) / (double) validation.length, last.get("validation-accuracy"), 1e-5);
    assertEquals(f1, last.get("validation-f1_binary"), 1e-5);
    assertEquals(precision, last.get("validation-precision"), 1e-5);
    assertEquals((recall + recall0) / 2, last.get("validation-recall_macro"), 1e-5);
    assertEquals((recall + recall0) / 2, last.get("validation-balanced_accuracy"), 1e-5);
    assertEquals(squares / validation.length, last.get("validation-mse"), 1e-5);
    assertEquals((f1 + f10) / 2, last.get("validation-f1"), 1e-5);
    assertTrue(precision > 0.6 && precision < 1, "a real model: precision " + precision);
  }

  @Test
  void emptyFile_failsWithClientError() throws Exception {
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"2\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/libsvm\"}}")
        .channel("train", TrainJob.ANCHOR.resolve("boston/data/empty"))
        .run();
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: channel 'train' is empty: its 1 file(s) (empty) hold no rows\n", job.failure());
    assertEquals(List.of(), job.modelDirEntries());
  }

  /**
   * XGBoost refuses an infinite feature only when it builds the matrix (an AlgorithmError without a
   * place, before); the reader refuses it first, naming file, line and column.
   */
  @Test
  void infiniteFeature_failsWithClientErrorNamingFileLineAndColumn() throws Exception {
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      rows.append(i % 2).append(',').append(i * 0.5).append(',').append(i == 7 ? "-inf" : "1.5").append('\n');
    }
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"2\"}")
        .inputDataConfig(CSV_TRAIN)
        .channelText("train", "data.csv", rows.toString())
        .run();
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: channel 'train', file 'data.csv', line 8, column 3: the value '-inf' is infinite;"
        + " XGBoost trains only on finite feature values, perhaps you should leave the field empty for a missing value"
        + " or write a finite number\n", job.failure());
    assertEquals(List.of(), job.modelDirEntries());
  }

  @Test
  void missingTrainFolder_failsNamingIt() throws Exception {
    TrainJob job = job().hyperparameters("{\"num_round\": \"2\"}").inputDataConfig(CSV_TRAIN).run();
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: channel 'train': folder " + job.root.resolve("input/data/train")
        + " does not exist; SageMaker puts File-mode channel data there (check the channel's S3 location)\n",
        job.failure());
  }

  @Test
  void csvHeader_failsNamingFileAndLine() throws Exception {
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"2\"}")
        .inputDataConfig(CSV_TRAIN)
        .channelText("train", "data.csv", "label,a,b\n1,2,3\n")
        .run();
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: channel 'train', file 'data.csv', line 1: 'label,a,b' looks like a header: remove it "
        + "(CSV input has no header row; the label is the first column)\n", job.failure());
    assertEquals(List.of(), job.modelDirEntries());
  }

  @Test
  void featureCountMismatch_fails() throws Exception {
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"2\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"csv\"}, \"validation\": {\"ContentType\": \"csv\"}}")
        .channelText("train", "a.csv", "1,2,3\n0,1,1\n")
        .channelText("validation", "b.csv", "1,2\n")
        .run();
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: channel 'train' has 2 features but channel 'validation' has 1: both channels must "
        + "have the same feature columns in the same order\n", job.failure());
  }

  @Test
  void invalidLabels_failBeforeTraining() throws Exception {
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"2\", \"objective\": \"binary:logistic\"}")
        .inputDataConfig(CSV_TRAIN)
        .channelText("train", "a.csv", "1,2\n0,1\n7,1\n")
        .run();
    assertEquals(1, job.exitCode, job::toString);
    assertTrue(job.failure().startsWith("ClientError: channel 'train', row 3: "), job.failure());
  }

  @Test
  void badHyperparameter_failsWithoutModel() throws Exception {
    TrainJob job = job()
        .hyperparameters("{\"num_round\": \"2\", \"eta\": \"1.5\"}")
        .inputDataConfig(CSV_TRAIN)
        .channelText("train", "a.csv", "1,2\n0,1\n")
        .run();
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: hyperparameter 'eta': '1.5' is not in [0, 1]\n", job.failure());
    assertFalse(Files.exists(job.model()));
  }

  /**
   * An updater list that grows exact trees (grow_colmaker) needs the raw values: the job must not
   * build the quantised matrix that only hist reads (XGBoost refused it: "Only `hist` tree method
   * can use `QuantileDMatrix`"), and it grows the trees tree_method exact grows.
   */
  @Test
  void updaterColmaker_trainsTheTreesOfTheExactMethod() throws Exception {
    String common = "\"num_round\": \"5\", \"max_depth\": \"3\", \"eta\": \"0.2\", ";
    TrainJob updater = new TrainJob(dir.resolve("updater"))
        .hyperparameters("{" + common + "\"updater\": \"grow_colmaker,prune\"}")
        .inputDataConfig(LIBSVM_CHANNELS)
        .channel("train", TrainJob.ANCHOR.resolve("abalone/data/train"))
        .channel("validation", TrainJob.ANCHOR.resolve("abalone/data/validation"))
        .run();
    assertEquals(0, updater.exitCode, updater::toString);
    assertTrue(updater.stderr.contains("training matrix: plain DMatrix"), updater.stderr);
    TrainJob exact = new TrainJob(dir.resolve("exact"))
        .hyperparameters("{" + common + "\"tree_method\": \"exact\"}")
        .inputDataConfig(LIBSVM_CHANNELS)
        .channel("train", TrainJob.ANCHOR.resolve("abalone/data/train"))
        .channel("validation", TrainJob.ANCHOR.resolve("abalone/data/validation"))
        .run();
    assertEquals(0, exact.exitCode, exact::toString);
    assertEquals(exact.metricLines(), updater.metricLines());
    Booster a = XGBoost.loadModel(Files.readAllBytes(exact.model()));
    Booster b = XGBoost.loadModel(Files.readAllBytes(updater.model()));
    assertEquals(List.of(a.getModelDump((String) null, true)), List.of(b.getModelDump((String) null, true)),
        "the same trees, split for split");
    a.dispose();
    b.dispose();
  }

  /**
   * use_dask_gpu_training is the official image's switch to Dask on GPUs; here false trains as
   * usual, and true, without Dask here, trains the same way (on the CPU, as device is not given) and says so.
   */
  @Test
  void useDaskGpuTraining_trainsOnTheCpuAndSaysWhy() throws Exception {
    TrainJob plain = new TrainJob(dir.resolve("false"))
        .hyperparameters("{\"num_round\": \"3\", \"use_dask_gpu_training\": \"false\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/libsvm\"}}")
        .channel("train", TrainJob.ANCHOR.resolve("abalone/data/train"))
        .run();
    assertEquals(0, plain.exitCode, plain::toString);
    assertFalse(plain.stderr.contains("use_dask_gpu_training"), plain.stderr);
    assertEquals(3, plain.metricLines().size());

    TrainJob dask = new TrainJob(dir.resolve("true"))
        .hyperparameters("{\"num_round\": \"3\", \"use_dask_gpu_training\": \"true\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/libsvm\"}}")
        .channel("train", TrainJob.ANCHOR.resolve("abalone/data/train"))
        .run();
    assertEquals(0, dask.exitCode, dask::toString);
    assertTrue(dask.stderr.contains("WARNING hyperparameter 'use_dask_gpu_training': 'true' asks for Dask training on "
        + "every GPU, which this image does not do: training in one process per host, on the device that 'device' "
        + "names, as with 'false'"), dask.stderr);
    assertEquals(plain.metricLines(), dask.metricLines());
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(plain.model()), Files.readAllBytes(dask.model())),
        "the same model as with false");
  }
}
