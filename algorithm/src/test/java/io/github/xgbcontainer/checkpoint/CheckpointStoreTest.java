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
    // round 5: the model was cut short (SIGKILL while a copy was written)
    Files.write(dir.resolve("xgboost-checkpoint.5"), new byte[] {'m', 'o'});
    // round 6: the model landed, its state file never did
    Files.write(dir.resolve("xgboost-checkpoint.6"), model(6));
    assertEquals(4, store.latest().orElseThrow().rounds());
  }

  @Test
  void latest_isEmptyWithoutCheckpoints() {
    assertTrue(new CheckpointStore(dir.resolve("absent"), 3).latest().isEmpty());
  }

  @Test
  void save_keepsTheNewestAndNeverTouchesFilesBeingUploaded() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 2);
    store.save(1, model(1), Map.of());
    Files.writeString(dir.resolve("xgboost-checkpoint.1.sagemaker-uploading"), "");
    store.save(2, model(2), Map.of());
    store.save(3, model(3), Map.of());
    store.save(4, model(4), Map.of());
    assertTrue(Files.exists(dir.resolve("xgboost-checkpoint.1")), "being uploaded: kept");
    assertFalse(Files.exists(dir.resolve("xgboost-checkpoint.2")));
    assertFalse(Files.exists(dir.resolve("xgboost-checkpoint.2.json")));
    assertTrue(Files.exists(dir.resolve("xgboost-checkpoint.3")));
    assertTrue(Files.exists(dir.resolve("xgboost-checkpoint.4.json")));
  }
}
