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
    booster.dispose();
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
   * usual, and true, with no CUDA in this image's XGBoost, trains on the CPU and says so.
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
        + "the GPUs, but this image's XGBoost (xgboost4j, CPU build) has no CUDA: training on the CPU, in one process "
        + "per host, as with 'false'"), dask.stderr);
    assertEquals(plain.metricLines(), dask.metricLines());
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(plain.model()), Files.readAllBytes(dask.model())),
        "the same model as with false");
  }
}
