package io.github.xgbcontainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

  @TempDir Path dir;

  private static byte[] model(int n) {
    return ("model-" + n).getBytes();
  }

  @Test
  void latest_returnsNewestWithItsState() {
    CheckpointStore store = new CheckpointStore(dir, 3);
    store.save(1, model(1), Map.of("best_round", 0));
    store.save(2, model(2), Map.of("best_round", 1));
    Checkpoint c = store.latest().orElseThrow();
    assertEquals(2, c.rounds());
    assertArrayEquals(model(2), c.model());
    assertEquals(1, c.state().get("best_round"));
  }

  @Test
  void latest_skipsTornModelAndMissingState() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 5);
    store.save(3, model(3), Map.of());
    store.save(4, model(4), Map.of());
    store.save(5, model(5), Map.of());
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
    store.save(5, model(5), Map.of());
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
    store.save(1, model(1), Map.of());
    Files.writeString(dir.resolve("xgboost-checkpoint.0.sagemaker-uploading"), "");
    store.save(2, model(2), Map.of());
    store.save(3, model(3), Map.of());
    store.save(4, model(4), Map.of());
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
    assertTrue(c.state().isEmpty());
    Checkpoint older = store.latest(p -> p.rounds() != 11).orElseThrow();
    assertEquals(10, older.rounds(), "one the caller cannot load is passed over");
  }

  @Test
  void save_neverDeletesCheckpointsItDidNotWrite() throws IOException {
    Files.write(dir.resolve("xgboost-checkpoint.3"), model(4));
    Files.write(dir.resolve("xgboost-checkpoint.4"), model(5));
    CheckpointStore store = new CheckpointStore(dir, 2);
    for (int rounds = 6; rounds <= 10; rounds++) {
      store.save(rounds, model(rounds), Map.of());
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
    assertFalse(store.save(3, model(30), Map.of()));
    assertArrayEquals(model(3), Files.readAllBytes(dir.resolve("xgboost-checkpoint.2")));
    assertFalse(Files.exists(dir.resolve("xgboost-checkpoint.2.json")));
    assertTrue(store.save(4, model(4), Map.of()));
  }
}
