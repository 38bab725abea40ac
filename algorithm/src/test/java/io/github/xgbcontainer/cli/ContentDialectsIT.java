package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input the official image reads that is not plain SageMaker CSV, LibSVM or Parquet, through the
 * real jar: CSV dialects, LibSVM pairs without a value, Parquet files written by pandas or Dask.
 */
class ContentDialectsIT {

  static final Path FIXTURES = Path.of("src/test/resources/fixtures");

  @TempDir Path dir;

  private TrainJob job(String hyperparameters) throws IOException {
    return new TrainJob(dir.resolve("opt_ml")).hyperparameters(hyperparameters);
  }

  /** The same rows as CSV in a dialect: {@code quote} wraps every other field. */
  private static String csv(String delimiter, String quote) {
    java.util.Random random = new java.util.Random(7);
    StringBuilder text = new StringBuilder();
    for (int row = 0; row < 300; row++) {
      float a = random.nextFloat();
      float b = random.nextFloat() * 10;
      String c = random.nextInt(5) == 0 ? "" : Float.toString(random.nextFloat());
      float label = 3 * a + b / 2 + (c.isEmpty() ? 0 : Float.parseFloat(c));
      text.append(label).append(delimiter).append(quote).append(a).append(quote).append(delimiter).append(b)
          .append(delimiter).append(quote).append(c).append(quote).append('\n');
    }
    return text.toString();
  }

  private TrainJob csvJob(String name, String text) throws Exception {
    TrainJob job = new TrainJob(dir.resolve(name))
        .hyperparameters("{\"num_round\": \"5\", \"objective\": \"reg:squarederror\", \"max_depth\": \"3\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/csv\"}}")
        .channelText("train", "data.csv", text)
        .run();
    assertEquals(0, job.exitCode, job::toString);
    assertTrue(job.stderr.contains("channel 'train': 300 rows, 3 features"), job::toString);
    return job;
  }

  @Test
  void csvDialects_trainTheSameModelAsComma() throws Exception {
    byte[] comma = Files.readAllBytes(csvJob("comma", csv(",", "")).model());
    TrainJob tab = csvJob("tab", csv("\t", ""));
    assertTrue(tab.stderr.contains("channel 'train', file 'data.csv': CSV delimiter tab, 4 columns (from the first line)"),
        tab::toString);
    assertArrayEquals(comma, Files.readAllBytes(tab.model()));
    TrainJob quoted = csvJob("quoted", csv(",", "\""));
    assertTrue(quoted.stderr.contains("channel 'train', file 'data.csv': 1 of 1 block(s) had quoted fields and were read "
        + "by commons-csv"), quoted::toString);
    assertArrayEquals(comma, Files.readAllBytes(quoted.model()));
    TrainJob semicolon = csvJob("semicolon", csv(";", "\""));
    assertTrue(semicolon.stderr.contains("CSV delimiter ';', 4 columns"), semicolon::toString);
    assertArrayEquals(comma, Files.readAllBytes(semicolon.model()));
  }

  @Test
  void abaloneMulticlass_pairWithoutValue_trainsWithOneWarning() throws Exception {
    TrainJob job = job("{\"num_round\": \"3\", \"objective\": \"multi:softprob\", \"num_class\": \"4\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"libsvm\", \"TrainingInputMode\": \"File\"}}")
        .channel("train", FIXTURES.resolve("libsvm/abalone-multiclass.validation"))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    assertEquals(3, job.metricLines().size(), job::toString);
    assertTrue(job.stderr.contains("channel 'train': 626 rows, 9 features"), job::toString);
    String warning = "channel 'train', file 'abalone-multiclass.validation': 1 feature written 'index:' with no value "
        + "(line 481) read as missing; perhaps you should write the value or leave the pair out";
    assertEquals(1, job.stderr.split(java.util.regex.Pattern.quote(warning), -1).length - 1, job::toString);
  }
  @Test
  void pandasParquet_trainsWithoutItsIndexAndTheModelCarriesTheColumnNames() throws Exception {
    TrainJob job = job("{\"num_round\": \"4\", \"objective\": \"reg:squarederror\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"application/x-parquet\"}}")
        .channel("train", FIXTURES.resolve("parquet/pandas_named_index.parquet"))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    assertTrue(job.stderr.contains("channel 'train', file 'pandas_named_index.parquet': column 'city' is the pandas "
        + "index (named in the file's pandas metadata), not a feature: dropped, as pandas reads it"), job::toString);
    assertTrue(job.stderr.contains("channel 'train': 200 rows, 2 features"), job::toString);
    Booster booster = XGBoost.loadModel(Files.newInputStream(job.model()));
    try {
      assertArrayEquals(new String[] {"area", "rooms"}, booster.getFeatureNames());
      // serve's rows have no names: XGBoost itself does not hold that against a named model
      DMatrix unnamed = new DMatrix(new float[] {20, 1, 150, 5}, 2, 2, Float.NaN);
      float[][] predictions = booster.predict(unnamed);
      unnamed.dispose();
      assertEquals(2, predictions.length);
      assertTrue(predictions[1][0] > predictions[0][0], "a bigger flat costs more");
    } finally {
      booster.dispose();
    }
    JsonNode gain = new ObjectMapper().readTree(job.root.resolve("output/data/feature_importance.json").toFile()).get("gain");
    List<String> names = new java.util.ArrayList<>();
    gain.fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("area", "rooms"), names);
    assertTrue(Files.readString(job.root.resolve("output/data/report.html"))
        .contains("<p id=\"feature-names\">Feature columns, in order: <code>area</code>, <code>rooms</code>.</p>"));
  }

  @Test
  void daskParquetSample_trainsOnItsFiveFeatures() throws Exception {
    TrainJob job = job("{\"num_round\": \"2\", \"objective\": \"reg:squarederror\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"parquet\"}}")
        .channel("train", TrainJob.ANCHOR.resolve("data/parquet/multiple_files"))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    assertTrue(job.stderr.contains("channel 'train': 10 rows, 5 features"), job::toString);
    Booster booster = XGBoost.loadModel(Files.newInputStream(job.model()));
    try {
      assertArrayEquals(new String[] {"1", "2", "3", "4", "5"}, booster.getFeatureNames());
    } finally {
      booster.dispose();
    }
  }
}
