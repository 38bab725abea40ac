package io.github.xgbcontainer.data.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spooling a piped Parquet stream: the copy, and the file boundaries noted on the way. */
class ParquetSpoolTest {

  @TempDir Path dir;

  private List<Long> spool(byte[] bytes, int chunk) throws IOException {
    Path file = Files.createTempFile(dir, "spool-", ".parquet");
    List<Long> candidates = new ArrayList<>();
    assertEquals(bytes.length, ParquetReader.spool(new ByteArrayInputStream(bytes), file, candidates, chunk));
    assertArrayEquals(bytes, Files.readAllBytes(file));
    return candidates;
  }

  @Test
  void boundaryAnywhere_isFound_onceWhateverTheChunkSize() throws IOException {
    // "PAR1PAR1" at 10 (boundary 14) and at 27 (boundary 31); lone PAR1s and near misses are not
    byte[] bytes = "PAR1xyzabcPAR1PAR1xyzPAR1PPPAR1PAR1PAR1xPAR".getBytes(StandardCharsets.US_ASCII);
    for (int chunk : new int[] {1, 3, 7, 8, 13, 64}) {
      assertEquals(List.of(14L, 31L, 35L), spool(bytes, chunk), "chunk " + chunk);
    }
  }

  @Test
  void emptyAndShortStreams_areCopiedWithNoBoundary() throws IOException {
    assertEquals(List.of(), spool(new byte[0], 4));
    assertEquals(List.of(), spool("PAR1PAR".getBytes(StandardCharsets.US_ASCII), 4));
  }

  @Test
  void streamOfExactlyWholeChunks_isCopiedWhole() throws IOException {
    byte[] bytes = new byte[4096];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31);
    }
    assertEquals(List.of(), spool(bytes, 1024));
  }
}
