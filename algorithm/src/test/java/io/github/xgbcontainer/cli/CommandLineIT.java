package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees of the jar in a child JVM: versions, a machine without /opt/ml, defaults that follow the base. */
class CommandLineIT {

  @TempDir Path dir;

  private record Exit(int code, String out, String err) {}

  /** The jar in a child JVM, without SAGEMAKER_BASE_DIR, in {@code cwd}. */
  private static Exit jar(Path cwd, List<String> jvmOptions, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", TrainJob.JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("cli", ".out");
    Path err = Files.createTempFile("cli", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().remove("SAGEMAKER_BASE_DIR");
      Process p = pb.start();
      assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the jar did not exit");
      return new Exit(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  private static List<String> entries(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void version_printsTheVersionsAndNothingElse() throws Exception {
    Exit exit = jar(dir, List.of(), "--version");
    assertEquals(0, exit.code(), exit::toString);
    assertTrue(exit.out().matches("xgboost-container [0-9]+\\.[0-9]+\\.[0-9]+(-SNAPSHOT)?\nXGBoost 3\\.[0-9]+\\.[0-9]+"
        + " \\(xgboost4j\\)\nJava [^\n]+\n"), exit.out());
    assertEquals("", exit.err());
  }

  @Test
  void train_withoutOptMlAndWithoutTheVariable_saysSoAndCreatesNothing() throws Exception {
    Path optMl = dir.resolve("no/opt/ml"); // stands for /opt/ml on a developer's machine
    Path cwd = Files.createDirectories(dir.resolve("cwd"));
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Exit exit = jar(cwd, List.of("-D" + Main.DEFAULT_BASE_PROPERTY + "=" + optMl, "-Djava.io.tmpdir=" + tmp), "train");
    assertEquals(1, exit.code(), exit::toString);
    assertEquals("", exit.out());
    List<String> lines = exit.err().lines().toList();
    assertEquals(1, lines.size(), exit.err());
    assertTrue(lines.get(0).matches("[0-9-]{10} [0-9:]{8} SEVERE .*"), lines.get(0));
    assertEquals("ClientError: " + optMl + " does not exist and SAGEMAKER_BASE_DIR is not set, so there is no"
        + " training job here; perhaps you should lay out a folder as SageMaker lays out /opt/ml"
        + " (input/config/hyperparameters.json, input/data/train/...) and point SAGEMAKER_BASE_DIR at it, e.g."
        + " SAGEMAKER_BASE_DIR=$PWD/opt_ml java -jar xgboost-container.jar train",
        lines.get(0).substring("2026-12-01 01:02:03 SEVERE ".length()));
    assertFalse(Files.exists(dir.resolve("no")), "nothing created where /opt/ml would be");
    assertEquals(List.of(), entries(cwd));
    assertEquals(List.of(), entries(tmp), "not even xgboost4j's native library");
  }

  @Test
  void csvWithoutInputDataConfig_failsSayingTheContentTypeIsMissing() throws Exception {
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"3\"}")
        .channel("train", Path.of(System.getProperty("sample.data", "../sample-data"), "abalone/csv/train/train.csv"))
        .run();
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: channel 'train', file 'train.csv', line 1: the data is CSV (9 numbers separated by"
        + " ','), but the channel has no ContentType and is read as LibSVM, the default; perhaps you should set"
        + " the channel's ContentType to text/csv (in inputdataconfig.json: {\"train\": {\"ContentType\":"
        + " \"text/csv\"}})", job.failure().strip());
    assertEquals(List.of(), job.modelDirEntries());
  }

  @Test
  void checkpointConfigWithoutLocalPath_checkpointsUnderTheBaseDirAndSaysWhere() throws Exception {
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"3\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/libsvm\"}}")
        .channel("train", TrainJob.ANCHOR.resolve("abalone/data/train"));
    Files.writeString(job.root.resolve("input/config/checkpointconfig.json"), "{}");
    job.run();
    assertEquals(0, job.exitCode, job::toString);
    assertTrue(job.stderr.contains(" INFO checkpoints: " + job.root.resolve("checkpoints") + "\n"), job.stderr);
    assertTrue(entries(job.root.resolve("checkpoints")).contains("xgboost-checkpoint.2"),
        () -> job.root.resolve("checkpoints").toString());
    assertFalse(job.stderr.contains("SLF4J"), job.stderr);
  }
}
