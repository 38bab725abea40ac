package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training under a real memory cap: a child memory cgroup (v1) of this test's own, with
 * {@code memory.limit_in_bytes} set, that the child JVM moves itself into before {@code exec java}.
 * Needs root and a writable cgroup v1 memory hierarchy (this project's machines); elsewhere it is
 * skipped, saying so.
 *
 * <p>Sizes, and why (measured 2026-12-01, see the README's "Training data larger than memory"): the
 * JVM of {@code train} takes 70-105 MiB of anonymous memory (-Xmx32m, serial GC), and XGBoost 3.4's
 * CPU external memory peaks while it sketches the quantiles, at a bound per feature (about 0.85 MiB)
 * that the rows no longer raise, beside a few dozen bytes a row; its pages and the parsed rows are
 * file mappings, which the kernel reclaims under the cap. So a CSV may be several times the cap once
 * the data outgrows those fixed costs. The test trains 1,550,000 rows of 75 features, an 817 MB CSV,
 * a little over 3 times the 256 MiB cap (the ratio): in memory it needs about 1.1 GiB, so it
 * is refused before building; from external memory the estimate is about 108 MiB of the 129 MiB left
 * for data, the sketch of 75 features being the larger part. About a minute on two shared cores.
 */
class ExternalMemoryIT {

  private static final long CAP = 256L << 20;
  private static final int FEATURES = 75;
  private static final int ROWS = 1_550_000;
  private static final String CHANNELS = "{\"train\": {\"ContentType\": \"text/csv\"}, "
      + "\"validation\": {\"ContentType\": \"text/csv\"}}";
  /**
   * As on a machine of 16 cores whatever this one has (a CI machine may have many): the parse blocks
   * in flight and XGBoost's threads must still fit the small heap and the cap.
   */
  private static final List<String> JVM = List.of("-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-XX:ActiveProcessorCount=16");

  @TempDir Path dir;
  private Path cgroup;

  @AfterEach
  void removeCgroup() throws IOException {
    if (cgroup != null && Files.isDirectory(cgroup)) {
      Files.delete(cgroup); // rmdir: the group's processes have exited
    }
  }

  /** A child of this process's memory cgroup, capped at {@code bytes}; null where that cannot be done here. */
  private static Path childCgroup(long bytes) throws IOException {
    Path procCgroup = Path.of("/proc/self/cgroup");
    if (!Files.isReadable(procCgroup)) {
      return null;
    }
    for (String line : Files.readAllLines(procCgroup)) {
      String[] parts = line.split(":", 3);
      if (parts.length == 3 && List.of(parts[1].split(",")).contains("memory")) {
        Path own = Path.of("/sys/fs/cgroup/memory").resolve(parts[2].replaceFirst("^/+", ""));
        if (!Files.isWritable(own)) {
          return null;
        }
        Path child = Files.createDirectory(own.resolve("xgbc-it-" + ProcessHandle.current().pid() + "-"
            + System.nanoTime()));
        Files.writeString(child.resolve("memory.limit_in_bytes"), Long.toString(bytes));
        return child;
      }
    }
    return null;
  }

  private static void csv(Path file, int rows, long seed) throws IOException {
    SyntheticCsv.write(file, rows, FEATURES, seed);
  }

  private TrainJob job(String name, String externalMemory) throws IOException {
    TrainJob job = new TrainJob(dir.resolve(name)).hyperparameters("{\"num_round\": \"5\", \"objective\": "
        + "\"binary:logistic\", \"eval_metric\": \"logloss\", \"max_depth\": \"4\", \"external_memory\": \""
        + externalMemory + "\"}").inputDataConfig(CHANNELS);
    Path data = dir.resolve("data");
    job.channel("train", data.resolve("train"));
    job.channel("validation", data.resolve("validation"));
    job.jvmOptions.addAll(JVM);
    return job;
  }

  private TrainJob capped(TrainJob job) {
    job.launcher.addAll(List.of("sh", "-c", "echo $$ > '" + cgroup.resolve("cgroup.procs") + "' && exec \"$@\"", "sh"));
    return job;
  }

  private static double lastValidationLogloss(TrainJob job) {
    List<String> lines = job.metricLines();
    String last = lines.get(lines.size() - 1);
    return Double.parseDouble(last.substring(last.indexOf("validation-logloss:") + "validation-logloss:".length()).trim());
  }

  @Test
  void underAMemoryCap_externalMemoryTrains_asInMemoryWithout_andFalseFailsBeforeBuilding() throws Exception {
    cgroup = childCgroup(CAP);
    assumeTrue(cgroup != null, "needs root and a writable cgroup v1 memory hierarchy to cap the child JVM");
    csv(dir.resolve("data/train/train.csv"), ROWS, 1);
    long csvBytes = Files.size(dir.resolve("data/train/train.csv"));
    assertTrue(csvBytes > 3 * CAP, "the training CSV (" + csvBytes + " bytes) is over 3 times the cap");
    csv(dir.resolve("data/validation/validation.csv"), 6_000, 2);

    TrainJob free = job("free", "false");
    free.jvmOptions.add("-XX:MaxDirectMemorySize=1g"); // the parsed rows, off-heap, beside a 32 MiB heap
    free.run();
    assertEquals(0, free.exitCode, free::toString);
    assertTrue(free.stderr.contains("external_memory=false: training in memory"), free::toString);

    TrainJob external = capped(job("external", "auto")).run();
    assertEquals(0, external.exitCode, external::toString);
    assertTrue(external.stderr.contains("external_memory=auto, it does not fit: training from external memory"),
        external::toString);
    assertTrue(external.stderr.contains("training matrix: external-memory QuantileDMatrix (native shim, pages on disk); "
        + "parsed rows dropped from memory batch by batch as XGBoost read them; resident "), external::toString);
    assertTrue(Files.exists(external.model()), external::toString);
    double expected = lastValidationLogloss(free);
    assertEquals(expected, lastValidationLogloss(external), expected * 0.01, "validation logloss within 1%");
    try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertFalse(left.anyMatch(p -> p.getFileName().toString().startsWith("xgbc-external-memory-")
          && external.stderr.contains(p.toString())), "the cache folder is removed");
    }

    TrainJob refused = capped(job("refused", "false")).run();
    assertEquals(2, refused.exitCode, refused::toString);
    String failure = refused.failure();
    assertNotNull(failure, refused::toString);
    assertTrue(failure.startsWith("PlatformError: the data does not fit in memory: training in memory needs about "),
        failure);
    assertTrue(failure.contains("the container may use 256.0 MiB (cgroup limit " + cgroup.resolve("memory.limit_in_bytes")
        + "), less "), failure);
    assertTrue(failure.endsWith("; perhaps you should use an instance type with more memory, or set "
        + "external_memory=true or auto to train from disk (about 108.3 MiB in memory)\n"), failure);
    assertEquals(List.of(), refused.modelDirEntries());
  }

  /** Pipe mode: the stream is read once, its batches cached on disk, and XGBoost makes its passes from there. */
  @Test
  void pipeMode_externalMemoryCachesTheStream_andTrainsTheSameModelAsInMemory() throws Exception {
    Path csv = dir.resolve("pipe-data/train.csv");
    csv(csv, 3_000, 3);
    byte[] bytes = Files.readAllBytes(csv);
    List<String> lines = new java.util.ArrayList<>();
    for (String setting : List.of("false", "true")) {
      TrainJob job = new TrainJob(dir.resolve("pipe-" + setting)).hyperparameters("{\"num_round\": \"3\", "
          + "\"objective\": \"binary:logistic\", \"eval_metric\": \"logloss\", \"external_memory\": \""
          + setting + "\"}").inputDataConfig("{\"train\": {\"ContentType\": \"text/csv\", "
          + "\"TrainingInputMode\": \"Pipe\"}}");
      job.jvmOptions.addAll(JVM);
      Thread writer = TrainJob.feed(job.pipe("train"), bytes, 1 << 16, 0);
      job.run();
      writer.join(5_000);
      assertEquals(0, job.exitCode, job::toString);
      assertTrue(job.stderr.contains("memory: channel 'train': size unknown (Pipe mode: a stream of unknown length)"),
          job::toString);
      assertTrue(job.stderr.contains("external_memory=" + setting + ": training "
          + (setting.equals("true") ? "from external memory" : "in memory")), job::toString);
      lines.add(String.join("\n", job.metricLines()));
    }
    assertEquals(3, lines.get(0).lines().count());
    assertEquals(lines.get(0), lines.get(1), "the same metric lines from the cached stream");
  }

  /** A job on small CSV (4,000 x 75 train, 1,500 validation) with {@code external_memory} set, checkpoints optional. */
  private TrainJob smallJob(String name, String hyperparameters, boolean checkpoints) throws IOException {
    Path data = dir.resolve("small-data");
    if (!Files.exists(data)) {
      csv(data.resolve("train/train.csv"), 4_000, 4);
      csv(data.resolve("validation/validation.csv"), 1_500, 5);
    }
    TrainJob job = new TrainJob(dir.resolve(name)).hyperparameters(hyperparameters).inputDataConfig(CHANNELS)
        .channel("train", data.resolve("train")).channel("validation", data.resolve("validation"));
    job.jvmOptions.addAll(JVM);
    if (checkpoints) {
      Files.writeString(job.root.resolve("input/config/checkpointconfig.json"),
          "{\"LocalPath\": \"" + job.root.resolve("checkpoints") + "\"}");
    }
    return job;
  }

  private static String withExternalMemory(String hyperparameters, String setting) {
    return hyperparameters.replace("}", ", \"external_memory\": \"" + setting + "\"}");
  }

  /** The small job with {@code hyperparameters} in memory, then from external memory; both must succeed. */
  private TrainJob[] inMemoryThenExternal(String name, String hyperparameters) throws Exception {
    TrainJob inMemory = smallJob(name + "-false", withExternalMemory(hyperparameters, "false"), false).run();
    assertEquals(0, inMemory.exitCode, inMemory::toString);
    TrainJob external = smallJob(name + "-true", withExternalMemory(hyperparameters, "true"), false).run();
    assertEquals(0, external.exitCode, external::toString);
    assertTrue(external.stderr.contains("training matrix: external-memory QuantileDMatrix"), external::toString);
    return new TrainJob[] {inMemory, external};
  }

  private static JsonNode evaluationHistory(TrainJob job) throws IOException {
    return new ObjectMapper().readTree(job.root.resolve("output/data/evaluation_history.json").toFile());
  }

  /** Issue 17, early stopping: the validation channel from external memory stops the job where memory does. */
  @Test
  void earlyStopping_onAValidationChannelFromExternalMemory_stopsAtTheSameRound() throws Exception {
    String hp = "{\"num_round\": \"500\", \"objective\": \"binary:logistic\", \"eval_metric\": \"logloss\", "
        + "\"eta\": \"0.3\", \"max_depth\": \"6\", \"early_stopping_rounds\": \"5\"}";
    TrainJob[] jobs = inMemoryThenExternal("stop", hp);
    TrainJob inMemory = jobs[0];
    TrainJob external = jobs[1];

    int rounds = inMemory.metricLines().size();
    assertTrue(rounds < 500, "early stopping stopped the job in memory: " + rounds + " rounds");
    assertEquals(rounds, external.metricLines().size(), external::toString);
    JsonNode expected = evaluationHistory(inMemory);
    JsonNode actual = evaluationHistory(external);
    assertTrue(expected.get("best_iteration").asInt() < rounds - 1, expected::toString);
    assertEquals(expected.get("best_iteration"), actual.get("best_iteration"));
    assertEquals(expected.get("rounds"), actual.get("rounds"));
    assertEquals(inMemory.metricLines(), external.metricLines(), "the same metric lines");
  }

  /**
   * Issue 17, SHAP: with the validation channel spilled to the external-memory cache, SHAP reads its
   * plain copy of those rows and writes the summary the job in memory writes.
   */
  @Test
  void shap_withTheValidationChannelInExternalMemory_writesTheSummaryOfTheJobInMemory() throws Exception {
    String hp = "{\"num_round\": \"20\", \"objective\": \"binary:logistic\", \"eval_metric\": \"logloss\", "
        + "\"max_depth\": \"4\", \"shap\": \"true\"}";
    TrainJob[] jobs = inMemoryThenExternal("shap", hp);
    TrainJob inMemory = jobs[0];
    TrainJob external = jobs[1];

    JsonNode expected = new ObjectMapper().readTree(inMemory.root.resolve("output/data/shap_summary.json").toFile());
    JsonNode actual = new ObjectMapper().readTree(external.root.resolve("output/data/shap_summary.json").toFile());
    assertEquals("validation", actual.get("channel").asText());
    assertEquals(1_500, actual.get("rows").asInt());
    assertEquals(FEATURES, actual.get("mean_abs_shap").size(), actual::toString);
    assertEquals(expected, actual);
    assertEquals(inMemory.metricLines(), external.metricLines(), "the same metric lines");
  }

  /**
   * Issue 17, checkpoints: a job from external memory stopped by SIGTERM part-way resumes from its
   * checkpoint and ends as the uninterrupted job from external memory does.
   */
  @Test
  void sigterm_checkpointFromExternalMemory_resumesToTheSameMetricLinesAndModel() throws Exception {
    String hp = withExternalMemory("{\"num_round\": \"120\", \"objective\": \"binary:logistic\", \"eval_metric\": "
        + "\"logloss\", \"eta\": \"0.05\", \"max_depth\": \"4\", \"subsample\": \"0.8\", \"colsample_bytree\": "
        + "\"0.8\", \"seed\": \"3\"}", "true");
    TrainJob whole = smallJob("ckpt-whole", hp, true).run();
    assertEquals(0, whole.exitCode, whole::toString);
    assertTrue(whole.stderr.contains("training matrix: external-memory QuantileDMatrix"), whole::toString);
    assertEquals(120, whole.metricLines().size(), whole::toString);

    TrainJob cut = smallJob("ckpt-cut", hp, true);
    CheckpointIT.interrupt(cut, 20);
    assertEquals(0, cut.exitCode, cut::toString);
    assertTrue(cut.stderr.contains("SIGTERM received: stopping after the current round, with a checkpoint"),
        cut::toString);
    List<String> before = cut.metricLines();
    assertTrue(before.size() > 20 && before.size() < 120, cut::toString);

    cut.run();
    assertEquals(0, cut.exitCode, cut::toString);
    assertTrue(cut.stderr.contains("resuming after round " + (before.size() - 1) + " of 120"), cut::toString);
    assertTrue(cut.stderr.contains("training matrix: external-memory QuantileDMatrix"), cut::toString);
    List<String> all = new java.util.ArrayList<>(before);
    all.addAll(cut.metricLines());
    assertEquals(whole.metricLines(), all, "the same metric lines across the interruption");
    assertArrayEquals(Files.readAllBytes(whole.model()), Files.readAllBytes(cut.model()),
        "the resumed model is byte-identical to the uninterrupted one");
  }
}
