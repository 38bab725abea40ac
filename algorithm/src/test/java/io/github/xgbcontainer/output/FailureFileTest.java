package io.github.xgbcontainer.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailureFileTest {

  @TempDir Path dir;

  @Test
  void write_firstErrorWins() throws IOException {
    FailureFile failure = new FailureFile(dir.resolve("output/failure"));
    assertTrue(failure.write(new UserError("channel 'train' is empty")));
    assertFalse(failure.write(new AlgorithmError("later")));
    assertEquals("ClientError: channel 'train' is empty\n", Files.readString(dir.resolve("output/failure")));
  }

  @Test
  void text_namesTheKind() {
    assertEquals("PlatformError: disk full", FailureFile.text(new PlatformError("disk full")));
    assertEquals("AlgorithmError: boom", FailureFile.text(new AlgorithmError("boom")));
  }

  @Test
  void clearStale_removesAnEarlierRunsFile() throws IOException {
    Path file = dir.resolve("failure");
    Files.writeString(file, "old");
    new FailureFile(file).clearStale();
    assertFalse(Files.exists(file));
  }

  @Test
  void atomicWrite_replacesWholeFileAndLeavesNoTemporary() throws IOException {
    Path target = dir.resolve("model/xgboost-model");
    AtomicFiles.write(target, new byte[] {1, 2, 3});
    AtomicFiles.write(target, new byte[] {4, 5});
    assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(target));
    try (Stream<Path> files = Files.list(target.getParent())) {
      assertEquals(1, files.count());
    }
  }
}
