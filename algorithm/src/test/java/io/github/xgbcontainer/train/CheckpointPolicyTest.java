package io.github.xgbcontainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.LogCapture;
import io.github.xgbcontainer.checkpoint.TrainerState;
import io.github.xgbcontainer.hyperparameters.Hyperparameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resuming and writing checkpoints with real xgboost4j models in a real folder. */
class CheckpointPolicyTest {

  @TempDir Path dir;

  private LogCapture log;
  private DMatrix data;

  @BeforeEach
  void setUp() throws Exception {
    log = new LogCapture(CheckpointPolicy.class);
    SplittableRandom random = new SplittableRandom(7);
    int rows = 200;
    float[] values = new float[rows * 3];
    float[] labels = new float[rows];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < 3; j++) {
        values[i * 3 + j] = (float) random.nextGaussian();
      }
      labels[i] = values[i * 3] + 0.5f * values[i * 3 + 1];
    }
    data = new DMatrix(values, rows, 3, Float.NaN);
    data.setLabel(labels);
  }

  @AfterEach
  void tearDown() {
    log.close();
    data.dispose();
  }

  private static Hyperparameters hp(String... keyValues) {
    Map<String, String> raw = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      raw.put(keyValues[i], keyValues[i + 1]);
    }
    return Hyperparameters.parse(raw);
  }

  private byte[] model(int rounds) throws Exception {
    Booster booster = XGBoost.train(data, Map.of("objective", "reg:squarederror"), rounds, Map.of(), null, null);
    try {
      return booster.toByteArray("ubj");
    } finally {
      booster.dispose();
    }
  }

  @Test
  void withoutAFolder_itDoesNothing() {
    CheckpointPolicy policy = CheckpointPolicy.in(Optional.empty());
    assertFalse(policy.enabled());
    assertEquals(Map.of(), policy.extraParams());
    assertEquals(Optional.empty(), policy.resume());
    assertEquals(Optional.empty(), policy.folder());
  }

  @Test
  void resume_fromAPlainModel_countsTheRoundsTheModelHolds() throws Exception {
    // the official image's name says 5 rounds (iteration 4); the model holds 3
    Path file = dir.resolve("xgboost-checkpoint.4");
    Files.write(file, model(3));
    CheckpointPolicy policy = CheckpointPolicy.in(Optional.of(dir));

    Trainer.Resume resume = policy.resume().orElseThrow();

    assertEquals(3, resume.rounds());
    assertEquals(TrainerState.EMPTY, resume.state());
    assertEquals(Map.of("seed_per_iteration", true), policy.extraParams());
    assertEquals(List.of("INFO resuming from checkpoint " + file + ", a plain model without trainer state (as the"
        + " official image writes them): iteration 4, 3 round(s) done (the model holds 3, not 5 as its name says);"
        + " earlier rounds' scores are not in the evaluation history"), log.lines());
  }

  @Test
  void resume_skipsAPlainModelXgboostCannotLoad() throws Exception {
    Files.write(dir.resolve("xgboost-checkpoint.1"), model(2));
    Files.write(dir.resolve("xgboost-checkpoint.2"), "not a model".getBytes());

    assertEquals(2, CheckpointPolicy.in(Optional.of(dir)).resume().orElseThrow().rounds());
    String first = log.lines().get(0);
    assertTrue(first.startsWith("WARNING skipping checkpoint " + dir.resolve("xgboost-checkpoint.2")
        + ": XGBoost cannot load it: "), first);
  }

  @Test
  void writer_writesEveryFrequencyRoundsAndTheLastThenResumesWithState() throws Exception {
    Hyperparameters hp = hp("num_round", "5", "checkpoint_frequency", "2");
    CheckpointPolicy policy = CheckpointPolicy.in(Optional.of(dir));
    TrainingResult result = new Trainer(hp, line -> { }, line -> { }, Long.MAX_VALUE)
        .train(data, Optional.empty(), policy.extraParams(), Optional.empty(), policy.writer(hp, true), () -> false);
    result.booster().dispose();

    List<String> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.map(p -> p.getFileName().toString()).sorted().toList();
    }
    // rounds 2, 4 and 5 (iterations 1, 3, 4); all three kept
    assertEquals(List.of("xgboost-checkpoint.1", "xgboost-checkpoint.1.json", "xgboost-checkpoint.3",
        "xgboost-checkpoint.3.json", "xgboost-checkpoint.4", "xgboost-checkpoint.4.json"), files);
    Trainer.Resume resume = policy.resume().orElseThrow();
    assertEquals(5, resume.rounds());
    assertEquals(5, resume.state().history().size());
    assertEquals(List.of("INFO resuming from checkpoint " + dir.resolve("xgboost-checkpoint.4")), log.lines());
  }

  @Test
  void writer_onAHostOtherThanTheLeaderWritesNothing() throws Exception {
    Hyperparameters hp = hp("num_round", "2");
    CheckpointPolicy policy = CheckpointPolicy.in(Optional.of(dir));
    new Trainer(hp, line -> { }, line -> { }, Long.MAX_VALUE)
        .train(data, Optional.empty(), policy.extraParams(), Optional.empty(), policy.writer(hp, false), () -> false)
        .booster().dispose();

    try (Stream<Path> list = Files.list(dir)) {
      assertEquals(0, list.count());
    }
  }
}
