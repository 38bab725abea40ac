package io.github.xgbcontainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

  @TempDir Path dir;

  private static byte[] model(int n) {
    return ("model-" + n).getBytes();
  }

  private static TrainerState stopping(int bestRound) {
    return new TrainerState(List.of(), false,
        Optional.of(new TrainerState.Stopping("validation-rmse", 0.5, bestRound)));
  }

  /**
   * A state file exactly as this image has written them since checkpoints have carried trainer
   * state: checkpoints left by a job before an upgrade must still resume.
   */
  private static final String STATE_FILE = "{\"rounds\":2,\"model_sha256\":\"%s\",\"state\":{\"history\":["
      + "{\"round\":0,\"scores\":{\"train-rmse\":0.5,\"validation-rmse\":0.625}},"
      + "{\"round\":1,\"scores\":{\"train-rmse\":0.25,\"validation-rmse\":0.75}}],"
      + "\"stopped_early\":false,\"stopping_metric\":\"validation-rmse\",\"best_score\":0.625,\"best_round\":0}}";

  private static TrainerState twoRounds() {
    Map<String, Double> first = new LinkedHashMap<>();
    first.put("train-rmse", 0.5);
    first.put("validation-rmse", 0.625);
    Map<String, Double> second = new LinkedHashMap<>();
    second.put("train-rmse", 0.25);
    second.put("validation-rmse", 0.75);
    return new TrainerState(List.of(new TrainerState.Round(0, first), new TrainerState.Round(1, second)), false,
        Optional.of(new TrainerState.Stopping("validation-rmse", 0.625, 0)));
  }

  @Test
  void latest_readsAStateFileInTheFormatCheckpointsHaveOnDisk() throws IOException {
    Files.write(dir.resolve("xgboost-checkpoint.1"), model(2));
    Files.writeString(dir.resolve("xgboost-checkpoint.1.json"),
        String.format(STATE_FILE, CheckpointStore.sha256(model(2))));
    Checkpoint c = new CheckpointStore(dir, 3).latest().orElseThrow();
    assertTrue(c.withState());
    assertEquals(2, c.rounds());
    assertEquals(twoRounds(), c.state());
    assertEquals(List.of("train-rmse", "validation-rmse"), List.copyOf(c.state().history().get(1).scores().keySet()),
        "the scores keep XGBoost's order");
  }

  @Test
  void save_writesTheStateFileInTheSameFormat() throws IOException {
    new CheckpointStore(dir, 3).save(2, model(2), twoRounds());
    assertEquals(String.format(STATE_FILE, CheckpointStore.sha256(model(2))),
        Files.readString(dir.resolve("xgboost-checkpoint.1.json")));
  }

  @Test
  void latest_readsScoresJsonCannotHoldAsNumbers() {
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("validation-auc", Double.NaN);
    scores.put("validation-rmse", Double.POSITIVE_INFINITY);
    TrainerState state = new TrainerState(List.of(new TrainerState.Round(0, scores)), true, Optional.empty());
    CheckpointStore store = new CheckpointStore(dir, 3);
    store.save(1, model(1), state);
    assertEquals(state, store.latest().orElseThrow().state());
  }

  @Test
  void latest_skipsAStateWhoseHistoryIsNotAList() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 3);
    store.save(1, model(1), TrainerState.EMPTY);
    Files.write(dir.resolve("xgboost-checkpoint.1"), model(2));
    Files.writeString(dir.resolve("xgboost-checkpoint.1.json"), "{\"rounds\":2,\"model_sha256\":\""
        + CheckpointStore.sha256(model(2)) + "\",\"state\":{\"history\":7}}");
    assertEquals(1, store.latest().orElseThrow().rounds(), "the newest one's state is unreadable: the one before");
  }

  @Test
  void latest_returnsNewestWithItsState() {
    CheckpointStore store = new CheckpointStore(dir, 3);
    store.save(1, model(1), stopping(0));
    store.save(2, model(2), stopping(1));
    Checkpoint c = store.latest().orElseThrow();
    assertEquals(2, c.rounds());
    assertArrayEquals(model(2), c.model());
    assertEquals(1, c.state().stopping().orElseThrow().bestRound());
  }

  @Test
  void latest_skipsTornModelAndMissingState() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 5);
    store.save(3, model(3), TrainerState.EMPTY);
    store.save(4, model(4), TrainerState.EMPTY);
    store.save(5, model(5), TrainerState.EMPTY);
    // round 5 (iteration 4): the model was cut short (SIGKILL while a copy was written)
    Files.write(dir.resolve("xgboost-checkpoint.4"), new byte[] {'m', 'o'});
    // round 6 (iteration 5): the model landed, its state file never did
    Files.write(dir.resolve("xgboost-checkpoint.5"), model(6));
    assertEquals(4, store.latest().orElseThrow().rounds());
  }

  @Test
  void latest_isEmptyWithoutCheckpoints() {
    assertTrue(new CheckpointStore(dir.resolve("absent"), 3).latest().isEmpty());
  }

  @Test
  void save_namesTheFileByTheIterationOfItsLastRound() {
    CheckpointStore store = new CheckpointStore(dir, 3);
    store.save(5, model(5), TrainerState.EMPTY);
    assertTrue(Files.exists(dir.resolve("xgboost-checkpoint.4")), "5 rounds: iteration 4, as the official image names it");
    assertTrue(Files.exists(dir.resolve("xgboost-checkpoint.4.json")));
    Checkpoint c = store.latest().orElseThrow();
    assertEquals(5, c.rounds());
    assertEquals(dir.resolve("xgboost-checkpoint.4"), c.file());
    assertTrue(c.withState());
  }

  @Test
  void save_keepsTheNewestAndNeverTouchesFilesBeingUploaded() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 2);
    store.save(1, model(1), TrainerState.EMPTY);
    Files.writeString(dir.resolve("xgboost-checkpoint.0.sagemaker-uploading"), "");
    store.save(2, model(2), TrainerState.EMPTY);
    store.save(3, model(3), TrainerState.EMPTY);
    store.save(4, model(4), TrainerState.EMPTY);
    assertTrue(Files.exists(dir.resolve("xgboost-checkpoint.0")), "being uploaded: kept");
    assertFalse(Files.exists(dir.resolve("xgboost-checkpoint.1")));
    assertFalse(Files.exists(dir.resolve("xgboost-checkpoint.1.json")));
    assertTrue(Files.exists(dir.resolve("xgboost-checkpoint.2")));
    assertTrue(Files.exists(dir.resolve("xgboost-checkpoint.3.json")));
  }

  @Test
  void latest_resumesFromThePlainModelsTheOfficialImageLeaves() throws IOException {
    Files.write(dir.resolve("xgboost-checkpoint.8"), model(9));
    Files.write(dir.resolve("xgboost-checkpoint.9"), model(10));
    Files.write(dir.resolve("xgboost-checkpoint.10"), model(11));
    CheckpointStore store = new CheckpointStore(dir, 3);
    Checkpoint c = store.latest().orElseThrow();
    assertEquals(11, c.rounds(), "iteration 10 is the eleventh round");
    assertArrayEquals(model(11), c.model());
    assertFalse(c.withState());
    assertEquals(TrainerState.EMPTY, c.state());
    Checkpoint older = store.latest(p -> p.rounds() != 11).orElseThrow();
    assertEquals(10, older.rounds(), "one the caller cannot load is passed over");
  }

  @Test
  void save_neverDeletesCheckpointsItDidNotWrite() throws IOException {
    Files.write(dir.resolve("xgboost-checkpoint.3"), model(4));
    Files.write(dir.resolve("xgboost-checkpoint.4"), model(5));
    CheckpointStore store = new CheckpointStore(dir, 2);
    for (int rounds = 6; rounds <= 10; rounds++) {
      store.save(rounds, model(rounds), TrainerState.EMPTY);
    }
    assertArrayEquals(model(4), Files.readAllBytes(dir.resolve("xgboost-checkpoint.3")));
    assertArrayEquals(model(5), Files.readAllBytes(dir.resolve("xgboost-checkpoint.4")));
    assertFalse(Files.exists(dir.resolve("xgboost-checkpoint.5")), "its own old ones go");
    assertFalse(Files.exists(dir.resolve("xgboost-checkpoint.7.json")));
    assertTrue(Files.exists(dir.resolve("xgboost-checkpoint.8.json")));
    assertEquals(10, store.latest().orElseThrow().rounds(), "once it has written, its own checkpoints win");
  }

  @Test
  void save_neverOverwritesAModelItDidNotWrite() throws IOException {
    Files.write(dir.resolve("xgboost-checkpoint.2"), model(3));
    CheckpointStore store = new CheckpointStore(dir, 3);
    assertFalse(store.save(3, model(30), TrainerState.EMPTY));
    assertArrayEquals(model(3), Files.readAllBytes(dir.resolve("xgboost-checkpoint.2")));
    assertFalse(Files.exists(dir.resolve("xgboost-checkpoint.2.json")));
    assertTrue(store.save(4, model(4), TrainerState.EMPTY));
  }
}
