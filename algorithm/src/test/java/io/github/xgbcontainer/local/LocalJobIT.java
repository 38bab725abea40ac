package io.github.xgbcontainer.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.xgbcontainer.local.store.S3Server;
import io.github.xgbcontainer.local.store.ScriptedS3Server;
import io.github.xgbcontainer.local.store.StoreUri;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code local} end to end: the shaded jar in a child JVM, channels and outputs through s3proxy on loopback. */
class LocalJobIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path JAR = Path.of(System.getProperty("container.jar", "target/xgboost-container.jar"));
  private static final Path SAMPLE = Path.of(System.getProperty("sample.data", "../sample-data"));
  private static final Path ANCHOR = Path.of(System.getProperty("anchor.data", "../../shared/anchor-data"));
  private static final String RMSE = ".*\\\\[[0-9]+\\\\].*#011validation-rmse:([-+]?[0-9]*\\\\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*";

  @TempDir static Path dir;
  static S3Server server;
  /** A store that cuts objects short or fails on them, for the jobs that must fail on it. */
  static ScriptedS3Server scripted;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(dir);
    server.createBucket("data");
    server.createBucket("models");
    List<String> rows = Files.readAllLines(SAMPLE.resolve("abalone/csv/train/train.csv"));
    int third = rows.size() / 3;
    for (int i = 0; i < 3; i++) { // three gzip objects, as ShardedByS3Key needs several
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
        out.write((String.join("\n", rows.subList(i * third, i == 2 ? rows.size() : (i + 1) * third)) + "\n").getBytes());
      }
      server.put("data", "abalone/train/part-" + i + ".csv.gz", gz.toByteArray());
    }
    // FastFile: the same rows over objects in subfolders, one of them gzip
    server.put("data", "abalone-ff/train/part-0.csv", (String.join("\n", rows.subList(0, third)) + "\n").getBytes());
    server.put("data", "abalone-ff/train/more/part-1.csv", (String.join("\n", rows.subList(third, 2 * third)) + "\n").getBytes());
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write((String.join("\n", rows.subList(2 * third, rows.size())) + "\n").getBytes());
    }
    server.put("data", "abalone-ff/train/more/deeper/part-2.csv.gz", gz.toByteArray());
    for (String part : List.of("train_0.parquet", "train_1.parquet")) {
      server.put("data", "parquet-ff/train/" + part, Files.readAllBytes(ANCHOR.resolve("data/parquet/multiple_files/" + part)));
    }
    server.put("data", "abalone/validation/validation.csv", Files.readAllBytes(SAMPLE.resolve("abalone/csv/validation/validation.csv")));
    server.put("data", "abalone/validation.manifest", "[{\"prefix\": \"s3://data/abalone/validation/\"}, \"validation.csv\"]".getBytes());

    scripted = ScriptedS3Server.start();
    // plain CSV in whole lines, so that the first half of an object is valid data on its own
    List<byte[]> parts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      parts.add((String.join("\n", rows.subList(i * third, i == 2 ? rows.size() : (i + 1) * third)) + "\n").getBytes());
    }
    for (ScriptedS3Server.Fault fault : ScriptedS3Server.Fault.values()) {
      for (int i = 0; i < 3; i++) {
        scripted.put("data", fault.name().toLowerCase() + "/train/part-" + i + ".csv", parts.get(i),
            i == 1 ? fault : ScriptedS3Server.Fault.NONE);
      }
    }
    scripted.put("data", "abalone/validation/validation.csv", Files.readAllBytes(SAMPLE.resolve("abalone/csv/validation/validation.csv")));
    scripted.put("data", "abalone/validation.manifest", "[{\"prefix\": \"s3://data/abalone/validation/\"}, \"validation.csv\"]".getBytes());
    scripted.put("data", "same-path/train/a.csv", parts.get(0));
    scripted.put("data", "same-path/train/./a.csv", parts.get(1));
    scripted.put("data", "folder-itself/train/a.csv", parts.get(0));
    scripted.put("data", "folder-itself/train/x/..", parts.get(1));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    scripted.close();
  }

  private static String request(String name, int hosts, String trainMode, String trainUri) {
    return "{\"TrainingJobName\": \"" + name + "\", \"RoleArn\": \"arn:aws:iam::111122223333:role/unused\","
        + " \"AlgorithmSpecification\": {\"TrainingImage\": \"xgboost-container:local\", \"TrainingInputMode\": \"File\","
        + "  \"MetricDefinitions\": [{\"Name\": \"validation:rmse\", \"Regex\": \"" + RMSE + "\"}]},"
        + " \"HyperParameters\": {\"num_round\": \"5\", \"eval_metric\": \"rmse\"},"
        + " \"InputDataConfig\": ["
        + "  {\"ChannelName\": \"train\", \"ContentType\": \"text/csv\", \"CompressionType\": \"Gzip\", \"InputMode\": \"" + trainMode + "\","
        + "   \"DataSource\": {\"S3DataSource\": {\"S3DataType\": \"S3Prefix\", \"S3Uri\": \"" + trainUri + "\","
        + "   \"S3DataDistributionType\": \"" + (hosts > 1 ? "ShardedByS3Key" : "FullyReplicated") + "\"}}},"
        + "  {\"ChannelName\": \"validation\", \"ContentType\": \"text/csv\","
        + "   \"DataSource\": {\"S3DataSource\": {\"S3DataType\": \"ManifestFile\", \"S3Uri\": \"s3://data/abalone/validation.manifest\"}}}],"
        + " \"OutputDataConfig\": {\"S3OutputPath\": \"s3://models/out\"},"
        + " \"ResourceConfig\": {\"InstanceCount\": " + hosts + ", \"InstanceType\": \"ml.m5.xlarge\", \"VolumeSizeInGB\": 10},"
        + " \"StoppingCondition\": {\"MaxRuntimeInSeconds\": 600}}";
  }

  private record Run(int exit, String stdout, String stderr, JsonNode summary) {}

  private static Run run(String request, String... options) throws Exception {
    return run(server.environment(), request, options);
  }

  private static Run run(java.util.Map<String, String> environment, String request, String... options) throws Exception {
    Path file = Files.createTempFile(dir, "request", ".json");
    Files.writeString(file, request);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toAbsolutePath().toString(), "local", "--request", file.toString(),
        "--work-dir", dir.resolve("work").toString()));
    command.addAll(List.of(options));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(environment);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("local did not finish within 5 minutes");
    }
    String stdout = Files.readString(out);
    return new Run(p.exitValue(), stdout, Files.readString(err), stdout.isBlank() ? null : JSON.readTree(stdout));
  }

  @Test
  void singleHost_fileModeThroughS3_uploadsModelAndReportsMetrics() throws Exception {
    Run run = run(request("one-host", 1, "File", "s3://data/abalone/train/"));
    assertEquals(0, run.exit(), run::toString);
    JsonNode s = run.summary();
    assertEquals("Completed", s.get("TrainingJobStatus").asText());
    assertEquals("s3://models/out/one-host/output/model.tar.gz", s.get("ModelArtifacts").get("S3ModelArtifacts").asText());
    assertEquals("validation:rmse", s.get("FinalMetricDataList").get(0).get("MetricName").asText());
    assertTrue(s.get("FinalMetricDataList").get(0).get("Value").asDouble() < 3.5, s::toString);
    assertEquals(List.of("out/one-host/output/model.tar.gz", "out/one-host/output/output.tar.gz"),
        server.keys("models", "out/one-host/").stream().sorted().toList());
    assertEquals(s, JSON.readTree(dir.resolve("work/one-host.json").toFile()));
  }

  @Test
  void noObjectsUnderThePrefix_failsBeforeAnyHostAndUploadsNothing() throws Exception {
    Run run = run(request("empty-prefix", 1, "File", "s3://data/nothing-here/"));
    assertEquals(1, run.exit(), run::toString);
    assertEquals("Failed", run.summary().get("TrainingJobStatus").asText());
    assertEquals("ClientError: channel 'train': no objects under s3://data/nothing-here/: perhaps you should check "
        + "S3Uri or upload the data first", run.summary().get("FailureReason").asText());
    assertEquals(List.of(), server.keys("models", "out/empty-prefix/"));
    assertEquals(0, run.summary().get("Local").get("HostExitCodes").size());
  }

  @Test
  void tooManyInstances_isRefusedBeforeAnythingIsWritten() throws Exception {
    Run run = run(request("too-many-hosts", 1_000_000, "File", "s3://data/abalone/train/"));
    assertEquals(1, run.exit(), run::toString);
    assertEquals("ClientError: ResourceConfig.InstanceCount '1000000' is more than 254, the most hosts a local job runs "
        + "(host N gets the loopback address 127.0.0.N); perhaps you should ask for fewer instances", run.stderr().strip());
    assertFalse(Files.exists(dir.resolve("work/too-many-hosts")), "no host tree written");
    assertFalse(Files.exists(dir.resolve("work/too-many-hosts.json")), "no summary: the request never became a job");
  }

  @Test
  void twoHosts_shardedByS3Key_trainAndUploadTheLeadersModel() throws Exception {
    Run run = run(request("two-hosts", 2, "File", "s3://data/abalone/train/"));
    assertEquals(0, run.exit(), run::toString);
    JsonNode s = run.summary();
    assertEquals("Completed", s.get("TrainingJobStatus").asText());
    assertEquals("s3://models/out/two-hosts/output/model.tar.gz", s.get("ModelArtifacts").get("S3ModelArtifacts").asText());
    assertEquals(JSON.readTree("{\"algo-1\": 0, \"algo-2\": 0}"), s.get("Local").get("HostExitCodes"));
    assertEquals(List.of("out/two-hosts/output/model.tar.gz", "out/two-hosts/output/output.tar.gz"),
        server.keys("models", "out/two-hosts/").stream().sorted().toList());
  }

  /**
   * MaxRuntimeInSeconds passes while a real {@code train} host runs 100,000 rounds: it gets SIGTERM,
   * stops after the round with a checkpoint and exits 0; the checkpoint reaches CheckpointConfig.S3Uri.
   */
  @Test
  void pastMaxRuntime_sigtermStopsTrainWithACheckpointSyncedToS3() throws Exception {
    String request = request("past-max-runtime", 1, "File", "s3://data/abalone/train/")
        .replace("\"num_round\": \"5\"", "\"num_round\": \"100000\", \"checkpoint_frequency\": \"10\"")
        .replace("\"MaxRuntimeInSeconds\": 600}", "\"MaxRuntimeInSeconds\": 15},"
            + " \"CheckpointConfig\": {\"S3Uri\": \"s3://models/checkpoints/past-max-runtime\"}");
    Run run = run(request, "--checkpoint-sync-seconds", "1");
    assertEquals(1, run.exit(), run::toString);
    JsonNode s = run.summary();
    assertEquals("Stopped", s.get("TrainingJobStatus").asText(), s::toString);
    assertEquals("MaxRuntimeExceeded", s.get("SecondaryStatus").asText());
    assertEquals("MaxRuntimeExceeded: the job ran past StoppingCondition.MaxRuntimeInSeconds (15)", s.get("FailureReason").asText());
    assertEquals(0, s.get("Local").get("HostExitCodes").get("algo-1").asInt(), "train exits 0 after SIGTERM");
    String log = Files.readString(dir.resolve("work/past-max-runtime/algo-1.log"));
    assertTrue(log.contains("SIGTERM received: stopping after the current round, with a checkpoint"), log);
    List<String> keys = server.keys("models", "checkpoints/past-max-runtime/");
    List<String> models = keys.stream().filter(k -> k.matches(".*/xgboost-checkpoint\\.[0-9]+")).toList();
    assertFalse(models.isEmpty(), keys::toString);
    // A periodic sync can catch a model before its state file, and the trainer keeps only the newest
    // few: older models may stay in S3 without a state file, which resuming skips. The newest
    // checkpoint in S3 must be complete, and it is the one the job stopped at.
    String newest = models.stream().max(java.util.Comparator.comparingInt(
        k -> Integer.parseInt(k.substring(k.lastIndexOf('.') + 1)))).orElseThrow();
    assertTrue(keys.contains(newest + ".json"), "the newest checkpoint's state file is synced too: " + keys);
    java.nio.file.Path local = dir.resolve("work/past-max-runtime/algo-1/checkpoints");
    try (java.util.stream.Stream<Path> files = Files.list(local)) {
      for (Path f : files.toList()) {
        assertTrue(keys.contains("checkpoints/past-max-runtime/" + f.getFileName()), f + " was synced: " + keys);
      }
    }
  }

  /** Runs once {@code train} reads Pipe mode (branch modes); skipped while it refuses. */
  @Test
  void pipeMode_streamsTheTrainChannelFromS3() throws Exception {
    Run run = run(request("pipe-mode", 1, "Pipe", "s3://data/abalone/train/"));
    assumeFalse(run.summary() != null && run.summary().path("FailureReason").asText().contains("'Pipe' is not supported yet"),
        "train refuses Pipe mode in this build");
    assertEquals(0, run.exit(), run::toString);
    assertEquals("Completed", run.summary().get("TrainingJobStatus").asText());
  }

  /** Every file under the host's channel folder, each a FIFO: no copy of the data was written. */
  private static boolean isFifo(Path p) throws Exception {
    return (((Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS)) & 0170000) == 0010000;
  }

  private static void assertOnlyFifos(Path channel, int expected) throws Exception {
    List<Path> files;
    try (java.util.stream.Stream<Path> walk = Files.walk(channel)) {
      files = walk.filter(p -> !Files.isDirectory(p)).toList();
    }
    assertEquals(expected, files.size(), files::toString);
    for (Path p : files) {
      assertFalse(Files.isRegularFile(p), p + " is a copy of the data");
      assertTrue(isFifo(p), p + " is a FIFO");
    }
  }

  @Test
  void fastFileMode_readsObjectsInSubfoldersOnDemandWithoutACopy() throws Exception {
    Run run = run(request("fast-file", 1, "FastFile", "s3://data/abalone-ff/train/"));
    assertEquals(0, run.exit(), run::toString);
    JsonNode s = run.summary();
    assertEquals("Completed", s.get("TrainingJobStatus").asText());
    assertEquals("s3://models/out/fast-file/output/model.tar.gz", s.get("ModelArtifacts").get("S3ModelArtifacts").asText());
    assertTrue(s.get("FinalMetricDataList").get(0).get("Value").asDouble() < 3.5, s::toString);
    Path channel = dir.resolve("work/fast-file/algo-1/input/data/train");
    assertTrue(run.stderr().contains("algo-1: channel 'train': FastFile is served on demand from the store (no local copy): "
        + "3 FIFOs in " + channel + ", each object streamed when the host reads it"), run.stderr());
    assertTrue(run.stderr().contains("algo-1: channel 'train': 3 of 3 objects, "), run.stderr());
    String log = Files.readString(dir.resolve("work/fast-file/algo-1.log"));
    assertTrue(log.contains("channel 'train': text/csv, FastFile mode"), log);
    assertTrue(log.contains("channel 'train': 3 of 3 file(s) are FIFOs served on demand (FastFile): each is read once, "
        + "front to back, in path order"), log);
    assertOnlyFifos(channel, 3);
    assertTrue(Files.isRegularFile(dir.resolve("work/fast-file/algo-1/input/data/validation/validation.csv")),
        "the File-mode validation channel is downloaded as before");
  }

  @Test
  void fastFileMode_parquetIsSpooledBecauseAFifoHasNoRandomAccess() throws Exception {
    String request = request("fast-file-parquet", 1, "FastFile", "s3://data/parquet-ff/train/")
        .replace("\"ContentType\": \"text/csv\", \"CompressionType\": \"Gzip\"", "\"ContentType\": \"application/x-parquet\"")
        .replaceAll(",\\s*\\{\"ChannelName\": \"validation\".*?\\}\\}\\}\\]", "]");
    Run run = run(request);
    assertEquals(0, run.exit(), run::toString);
    assertEquals("Completed", run.summary().get("TrainingJobStatus").asText(), run.summary()::toString);
    String log = Files.readString(dir.resolve("work/fast-file-parquet/algo-1.log"));
    assertTrue(log.contains("channel 'train': 2 of 2 file(s) are FIFOs served on demand (FastFile): each is read once, "
        + "front to back, in path order; Parquet needs random access, so each is spooled first"), log);
    assertTrue(log.contains("channel 'train': Parquet needs random access, so train_0.parquet was spooled to "), log);
    assertTrue(log.contains("channel 'train': Parquet needs random access, so train_1.parquet was spooled to "), log);
    assertOnlyFifos(dir.resolve("work/fast-file-parquet/algo-1/input/data/train"), 2);
  }

  /** train fails on its hyperparameters before it opens a FIFO: the feeder waiting on it is released. */
  @Test
  void fastFileMode_hostFailingBeforeReading_doesNotLeaveTheJobHanging() throws Exception {
    Run run = run(request("fast-file-bad-eta", 1, "FastFile", "s3://data/abalone-ff/train/")
        .replace("\"num_round\": \"5\"", "\"num_round\": \"5\", \"eta\": \"1.5\""));
    assertEquals(1, run.exit(), run::toString);
    JsonNode s = run.summary();
    assertEquals("Failed", s.get("TrainingJobStatus").asText());
    assertEquals("ClientError: hyperparameter 'eta': '1.5' is not in [0, 1]", s.get("FailureReason").asText());
    assertTrue(run.stderr().contains("algo-1: channel 'train': 0 of 3 objects, 0 bytes streamed on demand (the host "
        + "stopped reading first)"), run.stderr());
    assertEquals(List.of(), server.keys("models", "out/fast-file-bad-eta/"));
  }

  /** A job on plain CSV from the scripted store, whose object part-1.csv is served as {@code fault} says. */
  private static Run runOnFaultyStore(String name, String mode, ScriptedS3Server.Fault fault) throws Exception {
    return run(scripted.environment(), request(name, 1, mode, "s3://data/" + fault.name().toLowerCase() + "/train/")
        .replace("\"CompressionType\": \"Gzip\"", "\"CompressionType\": \"None\"")
        .replace("s3://models/out", StoreUri.of(dir.resolve("out")).toString()));
  }

  /** The job failed with {@code reason}, uploaded nothing, and its host (if it started) was killed. */
  private static void assertFailedOnTheStore(Run run, String name, String reason, String hostExit) throws Exception {
    assertEquals(1, run.exit(), run::toString);
    JsonNode s = run.summary();
    assertEquals("Failed", s.get("TrainingJobStatus").asText(), s::toString);
    assertEquals(reason, s.get("FailureReason").asText());
    assertEquals(JSON.readTree(hostExit), s.get("Local").get("HostExitCodes"), s::toString);
    assertFalse(s.has("ModelArtifacts"), s::toString);
    assertFalse(Files.exists(dir.resolve("out/" + name)), "nothing uploaded");
  }

  @Test
  void fileMode_objectCutShort_failsTheJobBeforeAnyHostStarts() throws Exception {
    Run run = runOnFaultyStore("file-cut-short", "File", ScriptedS3Server.Fault.CLOSE_EARLY);
    assertFailedOnTheStore(run, "file-cut-short", "PlatformError: channel 'train' of algo-1: s3://data/close_early/train/"
        + "part-1.csv ended after 22338 of its 44762 bytes: the store cut it short; "
        + "perhaps you should check the store and run the job again", "{}");
  }

  @Test
  void pipeMode_objectCutShort_killsTheHostAndFailsTheJob() throws Exception {
    Run run = runOnFaultyStore("pipe-cut-short", "Pipe", ScriptedS3Server.Fault.CLOSE_EARLY);
    assertFailedOnTheStore(run, "pipe-cut-short", "PlatformError: channel 'train' of algo-1: s3://data/close_early/train/"
        + "part-1.csv ended after 22338 of its 44762 bytes: the store cut it short; "
        + "perhaps you should check the store and run the job again", "{\"algo-1\": 137}");
    assertTrue(run.stderr().contains("train_0: held open after "), run.stderr());
  }

  @Test
  void pipeMode_connectionReset_killsTheHostAndFailsTheJob() throws Exception {
    Run run = runOnFaultyStore("pipe-reset", "Pipe", ScriptedS3Server.Fault.RESET);
    assertFailedOnTheStore(run, "pipe-reset", "PlatformError: channel 'train' of algo-1: cannot read s3://data/reset/"
        + "train/part-1.csv after 22338 of its 44762 bytes: Connection reset", "{\"algo-1\": 137}");
  }

  @Test
  void fastFileMode_serverError_killsTheHostAndFailsTheJob() throws Exception {
    Run run = runOnFaultyStore("fast-file-500", "FastFile", ScriptedS3Server.Fault.SERVER_ERROR);
    assertFailedOnTheStore(run, "fast-file-500", "PlatformError: channel 'train' of algo-1: cannot read s3://data/"
        + "server_error/train/part-1.csv: InternalError: We encountered an internal error. Please try again. "
        + "(4 attempts)", "{\"algo-1\": 137}");
  }

  @Test
  void fastFileMode_objectCutShort_killsTheHostAndFailsTheJob() throws Exception {
    Run run = runOnFaultyStore("fast-file-short", "FastFile", ScriptedS3Server.Fault.SHORT_BODY);
    assertFailedOnTheStore(run, "fast-file-short", "PlatformError: channel 'train' of algo-1: s3://data/short_body/train/"
        + "part-1.csv is 22338 bytes long now, not the 44762 bytes it was listed with: the store cut it short, or it "
        + "changed after it was listed; perhaps you should check the store and run the job again", "{\"algo-1\": 137}");
  }

  @Test
  void keysNamingOnePath_areRefusedBeforeAnyHostStarts() throws Exception {
    Run run = run(scripted.environment(), request("same-path", 1, "File", "s3://data/same-path/train/")
        .replace("s3://models/out", StoreUri.of(dir.resolve("out")).toString()));
    assertEquals(1, run.exit(), run::toString);
    assertEquals("ClientError: channel 'train': objects s3://data/same-path/train/./a.csv and s3://data/same-path/train/"
        + "a.csv both map to 'a.csv' in the channel folder; perhaps you should rename or remove one of them",
        run.summary().get("FailureReason").asText());
    assertEquals(0, run.summary().get("Local").get("HostExitCodes").size());
    assertFalse(Files.exists(dir.resolve("work/same-path")), "no host tree written, nothing downloaded");
  }
}
