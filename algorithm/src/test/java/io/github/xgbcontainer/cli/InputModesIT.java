package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.channel.RecordIoFrames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every content type's anchor samples through the real jar in File mode and in Pipe mode (a real
 * FIFO made with mkfifo, written from another thread in small chunks with pauses).
 */
class InputModesIT {

  private static final String HYPERPARAMETERS = "{\"num_round\": \"2\", \"objective\": \"reg:squarederror\"}";

  @TempDir Path dir;

  private TrainJob job() throws IOException {
    return new TrainJob(dir.resolve("opt_ml")).hyperparameters(HYPERPARAMETERS);
  }

  private static List<Path> files(Path sample) throws IOException {
    if (!Files.isDirectory(sample)) {
      return List.of(sample);
    }
    try (Stream<Path> s = Files.walk(sample)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** Every anchor sample, with a content type (or alias) and its row count: each trains in both modes. */
  static Stream<Arguments> anchorSamples() {
    return Stream.of(
        Arguments.of("data/csv/csv_files", "text/csv", 5),
        Arguments.of("data/csv/multiple_files", "csv", 10),
        Arguments.of("data/libsvm/libsvm_files", "text/libsvm", 5),
        Arguments.of("data/parquet/pq_files", "application/x-parquet", 5),
        Arguments.of("data/parquet/multiple_files", "parquet", 10),
        Arguments.of("data/recordio_protobuf/pb_files", "application/x-recordio-protobuf", 5),
        Arguments.of("data/recordio_protobuf/sparse", "recordio-protobuf", 5),
        Arguments.of("data/recordio_protobuf/single_feature_label.pb", "application/x-recordio-protobuf", 1));
  }

  @ParameterizedTest(name = "{0} ({1}), File mode")
  @MethodSource("anchorSamples")
  void anchorSample_trainsInFileMode(String sample, String contentType, int rows) throws Exception {
    TrainJob job = job()
        .inputDataConfig("{\"train\": {\"ContentType\": \"" + contentType + "\", \"TrainingInputMode\": \"File\"}}")
        .channel("train", TrainJob.ANCHOR.resolve(sample))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    assertEquals(2, job.metricLines().size(), job::toString);
    assertTrue(job.stderr.contains("channel 'train': " + rows + " rows"), job::toString);
  }

  @ParameterizedTest(name = "{0} ({1}), Pipe mode")
  @MethodSource("anchorSamples")
  void anchorSample_trainsInPipeMode(String sample, String contentType, int rows) throws Exception {
    boolean text = contentType.contains("csv") || contentType.contains("libsvm");
    // Text files go through RecordWrapperType=RecordIO (each S3 object one record, as SageMaker
    // wraps them), so files without a final line feed do not run into each other; binary types
    // arrive back to back, as SageMaker streams them.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (Path f : files(TrainJob.ANCHOR.resolve(sample))) {
      byte[] content = Files.readAllBytes(f);
      bytes.write(text ? RecordIoFrames.frame(content) : content);
    }
    TrainJob job = job().inputDataConfig("{\"train\": {\"ContentType\": \"" + contentType
        + "\", \"TrainingInputMode\": \"Pipe\"" + (text ? ", \"RecordWrapperType\": \"RecordIO\"" : "") + "}}");
    Path fifo = job.pipe("train");
    Thread writer = TrainJob.feed(fifo, bytes.toByteArray(), 100, 5);
    job.run();
    writer.join(5_000);
    assertEquals(0, job.exitCode, job::toString);
    assertEquals(2, job.metricLines().size(), job::toString);
    assertTrue(job.stderr.contains("channel 'train': " + rows + " rows"), job::toString);
    assertTrue(job.stderr.contains("reading pipe " + fifo + " (epoch 0) as a stream"), job::toString);
  }

  @Test
  void pipeNobodyOpens_failsNamingThePipe() throws Exception {
    TrainJob job = job().inputDataConfig("{\"train\": {\"ContentType\": \"csv\", \"TrainingInputMode\": \"Pipe\"}}");
    Path fifo = job.pipe("train");
    job.jvmOptions.add("-Dxgbc.pipeOpenSeconds=2");
    job.run();
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: channel 'train': no writer opened pipe " + fifo + " within 2 s; SageMaker streams a "
        + "Pipe-mode channel there, perhaps you should check that the channel's S3 location holds data",
        job.failure().strip());
    assertEquals(List.of(), job.modelDirEntries());
  }

  @Test
  void pipeClosedWithoutData_isAnEmptyChannel() throws Exception {
    TrainJob job = job().inputDataConfig("{\"train\": {\"ContentType\": \"libsvm\", \"TrainingInputMode\": \"Pipe\"}}");
    Path fifo = job.pipe("train");
    Thread writer = TrainJob.feed(fifo, new byte[0], 1, 0);
    job.run();
    writer.join(5_000);
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: channel 'train': pipe " + fifo + " delivered no data (the writer closed it without "
        + "writing); perhaps you should check that the channel's S3 location holds data", job.failure().strip());
  }

  @Test
  void truncatedRecordIo_failsWithByteOffset() throws Exception {
    byte[] whole = Files.readAllBytes(TrainJob.ANCHOR.resolve("data/recordio_protobuf/train.pb"));
    TrainJob job = job()
        .inputDataConfig("{\"train\": {\"ContentType\": \"application/x-recordio-protobuf\"}}");
    Path file = job.root.resolve("input/data/train/cut.pb");
    Files.createDirectories(file.getParent());
    Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 10));
    job.run();
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: channel 'train', file 'cut.pb', byte offset 192: truncated RecordIO frame: header "
        + "says 38 payload bytes, the stream ends after 30", job.failure().strip());
  }

  @Test
  void notParquet_failsNamingTheFile() throws Exception {
    TrainJob job = job()
        .inputDataConfig("{\"train\": {\"ContentType\": \"application/x-parquet\"}}")
        .channel("train", TrainJob.ANCHOR.resolve("data/csv/train.csv"))
        .run();
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: channel 'train', file 'train.csv': not a Parquet file (63 bytes, it does not start "
        + "and end with 'PAR1'); perhaps you should check the channel's ContentType", job.failure().strip());
  }
}
