package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
