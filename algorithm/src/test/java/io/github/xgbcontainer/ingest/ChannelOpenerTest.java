package io.github.xgbcontainer.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening real channel folders laid out as SageMaker does, read by the real readers. */
class ChannelOpenerTest {

  @TempDir Path root;

  private SageMakerPaths paths() {
    return new SageMakerPaths(root);
  }

  private void config(String name, String json) throws IOException {
    Files.createDirectories(paths().configDir());
    Files.writeString(paths().configDir().resolve(name), json);
  }

  private void channelFile(String channel, String file, String text) throws IOException {
    Files.createDirectories(paths().channelDir(channel));
    Files.writeString(paths().channelDir(channel).resolve(file), text);
  }

  private ChannelOpener opener(String hyperparameters, String channels) throws IOException {
    config("hyperparameters.json", hyperparameters);
    config("inputdataconfig.json", channels);
    return TrainingInputs.load(paths()).channelOpener(2);
  }

  private static java.util.List<Float> labels(ChannelData data) {
    java.util.List<Float> labels = new java.util.ArrayList<>();
    data.batches().forEach(b -> {
      for (int i = 0; i < b.rows(); i++) {
        labels.add(b.labels().get(i));
      }
    });
    return labels;
  }

  private static final String CSV_BOTH = "{\"train\": {\"ContentType\": \"text/csv\"},"
      + " \"validation\": {\"ContentType\": \"text/csv\"}}";

  @Test
  void read_readsBothChannelsInFileOrder() throws IOException {
    channelFile("train", "a.csv", "1,0.5,1.5\n0,2.5,3.5\n");
    channelFile("train", "b.csv", "1,4.5,5.5\n");
    channelFile("validation", "v.csv", "0,1,2\n");
    ChannelOpener opener = opener("{\"num_round\": \"2\"}", CSV_BOTH);
    try (TrainingData data = opener.check(opener.read())) {
      assertEquals(3, data.train().rows());
      assertEquals(2, data.train().features());
      assertEquals(java.util.List.of(1f, 0f, 1f), labels(data.train()), "a.csv, then b.csv");
      assertEquals(1, data.validation().orElseThrow().rows());
    }
  }

  @Test
  void check_failsWhenCsvValidationHasOtherFeatures() throws IOException {
    channelFile("train", "t.csv", "1,0.5,1.5,2.5\n");
    channelFile("validation", "v.csv", "0,1,2\n");
    ChannelOpener opener = opener("{\"num_round\": \"2\"}", CSV_BOTH);
    try (TrainingData read = opener.read()) {
      UserError e = assertThrows(UserError.class, () -> opener.check(read));
      assertEquals("channel 'train' has 3 features but channel 'validation' has 2: both channels must have the"
          + " same feature columns in the same order", e.getMessage());
    }
  }

  @Test
  void check_widensLibSvmValidationToTheTrainFeatures() throws IOException {
    channelFile("train", "t.libsvm", "1 0:1 4:2\n0 1:3\n");
    channelFile("validation", "v.libsvm", "1 1:1\n");
    ChannelOpener opener = opener("{\"num_round\": \"2\"}", "{\"train\": {\"ContentType\": \"text/libsvm\"},"
        + " \"validation\": {\"ContentType\": \"text/libsvm\"}}");
    try (TrainingData data = opener.check(opener.read())) {
      assertEquals(5, data.train().features());
      assertEquals(5, data.validation().orElseThrow().features(), "validation uses fewer indices: widened");
    }
  }

  @Test
  void check_namesTheChannelAndRowOfABadLabel() throws IOException {
    channelFile("train", "t.csv", "1,0.5\n0,1.5\n");
    channelFile("validation", "v.csv", "0,1\n1,2\n3,4\n");
    ChannelOpener opener = opener("{\"num_round\": \"2\", \"objective\": \"binary:logistic\"}", CSV_BOTH);
    try (TrainingData read = opener.read()) {
      UserError e = assertThrows(UserError.class, () -> opener.check(read));
      assertEquals("channel 'validation', row 3: label 3.0 is not valid for binary:logistic, which needs "
          + "labels in [0, 1]", e.getMessage());
    }
  }

  @Test
  void missingShard_namesAShardedChannelWithoutFiles() throws IOException {
    Files.createDirectories(paths().channelDir("train"));
    ChannelOpener opener = opener("{\"num_round\": \"2\"}",
        "{\"train\": {\"ContentType\": \"text/csv\", \"S3DistributionType\": \"ShardedByS3Key\"}}");
    assertEquals(Optional.of("no files in channel 'train' (ShardedByS3Key)"), opener.missingShard());
  }

  @Test
  void missingShard_namesAShardedChannelOfEmptyFiles() throws IOException {
    channelFile("train", "part-00000", "");
    ChannelOpener opener = opener("{\"num_round\": \"2\"}",
        "{\"train\": {\"ContentType\": \"text/csv\", \"S3DistributionType\": \"ShardedByS3Key\"}}");
    assertEquals(Optional.of("only empty files in channel 'train' (ShardedByS3Key)"), opener.missingShard());
  }

  private static final String SHARDED_CSV =
      "{\"train\": {\"ContentType\": \"text/csv\", \"S3DistributionType\": \"ShardedByS3Key\"}}";
  private static final String SHARDED_PARQUET =
      "{\"train\": {\"ContentType\": \"application/x-parquet\", \"S3DistributionType\": \"ShardedByS3Key\"}}";

  private void gzipFile(String channel, String file, String text) throws IOException {
    Files.createDirectories(paths().channelDir(channel));
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(paths().channelDir(channel).resolve(file)))) {
      out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** A compressed empty part- file, and Parquet's empty partition (a schema, no rows), are empty files too. */
  @Test
  void missingShard_namesAShardedChannelOfGzipAroundNothing() throws IOException {
    channelFile("train", "part-00000.csv", "");
    gzipFile("train", "part-00001.csv.gz", "");
    ChannelOpener opener = opener("{\"num_round\": \"2\"}", SHARDED_CSV);
    assertEquals(Optional.of("only empty files in channel 'train' (ShardedByS3Key)"), opener.missingShard());
  }

  @Test
  void missingShard_namesAShardedParquetChannelWithoutRows() throws IOException {
    Files.createDirectories(paths().channelDir("train"));
    Files.copy(Path.of("src/test/resources/fixtures/parquet/no_rows.parquet"),
        paths().channelDir("train").resolve("part-00000.parquet"));
    channelFile("train", "part-00001.parquet", "");
    ChannelOpener opener = opener("{\"num_round\": \"2\"}", SHARDED_PARQUET);
    assertEquals(Optional.of("only empty files in channel 'train' (ShardedByS3Key)"), opener.missingShard());
  }

  @Test
  void missingShard_isEmptyForGzipAndParquetWithRows() throws IOException {
    gzipFile("train", "part-00000.csv.gz", "");
    gzipFile("train", "part-00001.csv.gz", "1,2\n");
    assertTrue(opener("{\"num_round\": \"2\"}", SHARDED_CSV).missingShard().isEmpty());
    Files.delete(paths().channelDir("train").resolve("part-00001.csv.gz"));
    Files.copy(Path.of("src/test/resources/fixtures/parquet/row_groups.parquet"),
        paths().channelDir("train").resolve("part-00001.parquet"));
    assertTrue(opener("{\"num_round\": \"2\"}", SHARDED_PARQUET).missingShard().isEmpty());
  }

  @Test
  void missingShard_isEmptyForAReplicatedChannelAndAShardWithRows() throws IOException {
    channelFile("train", "part-00000", "1,2\n");
    channelFile("validation", "v.csv", "1,2\n");
    ChannelOpener opener = opener("{\"num_round\": \"2\"}",
        "{\"train\": {\"ContentType\": \"text/csv\", \"S3DistributionType\": \"ShardedByS3Key\"},"
            + " \"validation\": {\"ContentType\": \"text/csv\"}}");
    assertTrue(opener.missingShard().isEmpty());
  }

  @Test
  void alignFeatures_keepsParquetStrict() {
    ChannelData train = new ChannelData("train", java.util.List.of(), 3);
    ChannelData validation = new ChannelData("validation", java.util.List.of(), 2);
    UserError e = assertThrows(UserError.class, () -> ChannelOpener.alignFeatures(train, validation,
        io.github.xgbcontainer.config.ContentType.PARQUET));
    assertEquals("channel 'train' has 3 features but channel 'validation' has 2: both channels must have the"
        + " same feature columns in the same order", e.getMessage());
  }
}
