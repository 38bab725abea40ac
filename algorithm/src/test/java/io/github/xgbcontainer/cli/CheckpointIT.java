package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spot interruptions: SIGTERM mid-training, a checkpoint, and a resumed run that builds the same model. */
class CheckpointIT {

  private static final String CHANNELS = "{\"train\": {\"ContentType\": \"text/libsvm\"},"
      + " \"validation\": {\"ContentType\": \"text/libsvm\"}}";

  @TempDir Path dir;

  private TrainJob job(String name, String hyperparameters) throws IOException {
    TrainJob job = new TrainJob(dir.resolve(name))
        .hyperparameters(hyperparameters)
        .inputDataConfig(CHANNELS)
        .channel("train", TrainJob.ANCHOR.resolve("abalone/data/train"))
        .channel("validation", TrainJob.ANCHOR.resolve("abalone/data/validation"));
    Files.writeString(job.root.resolve("input/config/checkpointconfig.json"),
        "{\"LocalPath\": \"" + job.root.resolve("checkpoints") + "\", \"S3Uri\": \"s3://bucket/ckpt\"}");
    return job;
  }

  /** Starts train, sends SIGTERM once round {@code afterRound} is printed, and waits for the exit. */
  static long interrupt(TrainJob job, int afterRound) throws Exception {
    Process p = job.start();
    long signalled = 0;
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (System.nanoTime() < deadline && p.isAlive()) {
        if (Files.readString(job.stdoutFile()).contains("[" + afterRound + "]\t")) {
          signalled = System.nanoTime();
          p.destroy(); // SIGTERM
          break;
        }
        Thread.sleep(20);
      }
      assertTrue(signalled > 0, "the job reached round " + afterRound + " and was still running");
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after SIGTERM");
      job.finish(p);
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
    } finally {
      p.destroyForcibly();
    }
  }

  private static long checkpoints(TrainJob job) throws IOException {
    try (Stream<Path> s = Files.list(job.root.resolve("checkpoints"))) {
      return s.filter(p -> p.getFileName().toString().matches("xgboost-checkpoint\\.[0-9]+")).count();
    }
  }

  @Test
  void sigterm_checkpointsAndTheResumedRunBuildsTheSameModel() throws Exception {
    String hp = "{\"num_round\": \"200\", \"eta\": \"0.05\", \"max_depth\": \"4\", \"subsample\": \"0.8\","
        + " \"colsample_bytree\": \"0.8\", \"seed\": \"3\", \"tree_method\": \"hist\"}";
    TrainJob whole = job("whole", hp).run();
    assertEquals(0, whole.exitCode, whole::toString);

    TrainJob cut = job("cut", hp);
    long millis = interrupt(cut, 20);
    assertEquals(0, cut.exitCode, cut::toString);
    assertTrue(millis < 10_000, "stopped within 10 s of SIGTERM: " + millis + " ms");
    assertTrue(cut.stderr.contains("SIGTERM received: stopping after the current round, with a checkpoint"), cut.stderr);
    assertFalse(Files.exists(cut.model()), "no model without save_model_on_termination");
    assertTrue(checkpoints(cut) >= 1);
    int linesBefore = cut.metricLines().size();
    assertTrue(linesBefore < 200);

    cut.run();
    assertEquals(0, cut.exitCode, cut::toString);
    assertTrue(cut.stderr.contains("resuming after round " + (linesBefore - 1) + " of 200"), cut.stderr);
    assertEquals(200 - linesBefore, cut.metricLines().size(), "only the remaining rounds run");
    assertArrayEquals(Files.readAllBytes(whole.model()), Files.readAllBytes(cut.model()),
        "resumed model is byte-identical to the uninterrupted one");
    assertTrue(checkpoints(cut) <= 3, "keeps the last few checkpoints");
  }

  @Test
  void earlyStoppingStateSurvivesResume() throws Exception {
    String hp = "{\"num_round\": \"1000\", \"eta\": \"0.1\", \"max_depth\": \"3\", \"early_stopping_rounds\": \"10\","
        + " \"eval_metric\": \"rmse\", \"save_model_on_termination\": \"true\"}";
    TrainJob whole = job("whole", hp).run();
    assertEquals(0, whole.exitCode, whole::toString);

    TrainJob cut = job("cut", hp);
    interrupt(cut, 8);
    assertEquals(0, cut.exitCode, cut::toString);
    assertTrue(Files.exists(cut.model()), "save_model_on_termination writes the model so far");
    cut.run();
    assertEquals(0, cut.exitCode, cut::toString);
    ObjectMapper json = new ObjectMapper();
    JsonNode a = json.readTree(whole.root.resolve("output/data/evaluation_history.json").toFile());
    JsonNode b = json.readTree(cut.root.resolve("output/data/evaluation_history.json").toFile());
    assertEquals(a.get("best_iteration"), b.get("best_iteration"));
    assertEquals(a.get("rounds"), b.get("rounds"));
    assertEquals(a.get("metrics"), b.get("metrics"), "the history spans the interruption");
    assertArrayEquals(Files.readAllBytes(whole.model()), Files.readAllBytes(cut.model()));
  }

  /**
   * The official image leaves plain models named {@code xgboost-checkpoint.N} (N the iteration of the
   * last round, no state file beside them); its XGBoost 3 writes them as UBJSON. A job of this image
   * given that folder resumes from the newest and never deletes them.
   */
  @Test
  void officialImageCheckpoint_isResumedFromAndKept() throws Exception {
    TrainJob job = job("official", "{\"num_round\": \"10\", \"eta\": \"0.2\", \"max_depth\": \"3\"}");
    Path folder = job.root.resolve("checkpoints");
    Files.createDirectories(folder);
    byte[] four;
    byte[] five;
    DMatrix data = new DMatrix(TrainJob.ANCHOR.resolve("abalone/data/train/abalone.train_0") + "?format=libsvm");
    try {
      Map<String, Object> params = Map.of("eta", 0.2, "max_depth", 3, "objective", "reg:squarederror");
      Booster booster = XGBoost.train(data, params, 4, Map.of(), null, null);
      four = booster.toByteArray("ubj");
      booster.update(data, 4);
      five = booster.toByteArray("ubj");
      booster.dispose();
    } finally {
      data.dispose();
    }
    Files.write(folder.resolve("xgboost-checkpoint.3"), four);
    Files.write(folder.resolve("xgboost-checkpoint.4"), five);

    job.run();
    assertEquals(0, job.exitCode, job::toString);
    assertTrue(job.stderr.contains("resuming from checkpoint " + folder.resolve("xgboost-checkpoint.4")
        + ", a plain model without trainer state (as the official image writes them): iteration 4, 5 round(s) done;"
        + " earlier rounds' scores are not in the evaluation history"), job.stderr);
    assertTrue(job.stderr.contains("resuming after round 4 of 10"), job.stderr);
    List<String> lines = job.metricLines();
    assertEquals(5, lines.size(), "only rounds 5..9 run: " + lines);
    assertTrue(lines.get(0).startsWith("[5]\t"), lines.get(0));
    Booster trained = XGBoost.loadModel(Files.newInputStream(job.model()));
    try {
      assertEquals(10, trained.getNumBoostedRound(), "5 rounds from the checkpoint and 5 more");
    } finally {
      trained.dispose();
    }
    assertArrayEquals(four, Files.readAllBytes(folder.resolve("xgboost-checkpoint.3")), "not ours: never deleted");
    assertArrayEquals(five, Files.readAllBytes(folder.resolve("xgboost-checkpoint.4")), "not ours: never deleted");
    assertTrue(Files.exists(folder.resolve("xgboost-checkpoint.9.json")), "its own checkpoints, named alike");
    assertFalse(Files.exists(folder.resolve("xgboost-checkpoint.5")), "its own old ones are pruned");
  }
}
