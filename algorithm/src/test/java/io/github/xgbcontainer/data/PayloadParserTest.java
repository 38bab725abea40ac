package io.github.xgbcontainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.error.UserError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Inference payloads: what the parsers keep, and how much memory they ask for on the way. */
class PayloadParserTest {

  /** A first line of {@code fields} ones, then {@code tail} repeated {@code times}. */
  static byte[] wideLineThen(int fields, String tail, int times) {
    StringBuilder s = new StringBuilder("1");
    s.append(",1".repeat(fields - 1)).append('\n').append(tail.repeat(times));
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Training refuses infinite features as it parses them (InfiniteFeature); a request's parser keeps
   * them, and serving refuses them with its own 400 (serve.RequestReader).
   */
  @Test
  void infiniteValues_areKeptInRequests() {
    byte[] csv = "1,inf,-1e999\n".getBytes(StandardCharsets.UTF_8);
    try (Batch batch = PayloadParser.csv(csv, csv.length)) {
      assertEquals(Float.POSITIVE_INFINITY, batch.values().get(1));
      assertEquals(Float.NEGATIVE_INFINITY, batch.values().get(2));
      assertEquals(3, batch.nonMissing());
    }
    byte[] libsvm = "0:inf 3:1\n".getBytes(StandardCharsets.UTF_8);
    try (Batch batch = PayloadParser.libsvm(libsvm, libsvm.length)) {
      assertEquals(Float.POSITIVE_INFINITY, batch.values().get(0));
    }
  }

  @Test
  void csv_wideFirstLineThenBlankLines_allocatesForTheRowsParsedOnly() {
    byte[] body = wideLineThen(1000, "\n", 20_000);
    try (Batch batch = PayloadParser.csv(body, body.length)) {
      assertEquals(1, batch.rows());
      assertEquals(1000, batch.columns());
      // the buffers are sized for one row, not for 20,001 lines of 1,000 floats (80 MB)
      assertEquals(1000, batch.values().capacity());
      assertEquals(1, batch.labels().capacity());
    }
  }

  @Test
  void csv_memoryStaysWithinASmallMultipleOfThePayload() {
    for (byte[] body : new byte[][] {
        wideLineThen(1000, "\r\n", 20_000),
        wideLineThen(2, "1,\n\n\n\n", 20_000),
        wideLineThen(1, "1\n", 20_000),
        wideLineThen(300, ",".repeat(299) + "\n\n", 500)}) {
      try (Batch batch = PayloadParser.csv(body, body.length)) {
        long allocated = 4L * (batch.values().capacity() + batch.labels().capacity());
        assertEquals((long) batch.rows() * batch.columns(), batch.values().capacity());
        assertTrue(allocated <= 8L * body.length, allocated + " bytes for a payload of " + body.length);
      }
    }
  }

  @Test
  void csv_shortLinesAfterAWideOne_areRaggedWithoutSizingForThem() {
    byte[] body = wideLineThen(1000, "1\n", 100_000);
    UserError e = assertThrows(UserError.class, () -> PayloadParser.csv(body, body.length));
    assertEquals("row 2: expected 1000 columns, found 1 (every row needs the same columns as the first row)",
        e.getMessage());
  }

  @Test
  void libsvm_blankAndCommentLines_takeNoRowMemory() {
    byte[] body = ("0:1 3:2\n" + "\n".repeat(20_000) + "# note\n".repeat(1000) + "1:5\n")
        .getBytes(StandardCharsets.UTF_8);
    try (Batch batch = PayloadParser.libsvm(body, body.length)) {
      assertEquals(2, batch.rows());
      assertEquals(4, batch.columns());
      assertEquals(2, batch.labels().capacity());
      assertEquals(3, batch.indptr().capacity());
    }
  }
}
