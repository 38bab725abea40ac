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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
  private static long interrupt(TrainJob job, int afterRound) throws Exception {
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
}
