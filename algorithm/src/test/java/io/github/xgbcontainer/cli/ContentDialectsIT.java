package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
