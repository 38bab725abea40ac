package io.github.xgbcontainer.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordIoFramesTest {

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] header(int flag, int length) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(RecordIoFrames.MAGIC)
        .putInt(flag << 29 | length).array();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void next_readsPaddedRecordsInOrder() throws IOException {
    RecordIoFrames frames = new RecordIoFrames(new ByteArrayInputStream(concat(
        RecordIoFrames.frame(ascii("abcde")), RecordIoFrames.frame(new byte[0]), RecordIoFrames.frame(ascii("wxyz")))));
    assertTrue(frames.next());
    assertEquals("abcde", new String(frames.buffer(), 0, frames.length(), StandardCharsets.US_ASCII));
    assertTrue(frames.next());
    assertEquals(0, frames.length());
    assertEquals(16, frames.recordOffset());
    assertTrue(frames.next());
    assertEquals("wxyz", new String(frames.buffer(), 0, frames.length(), StandardCharsets.US_ASCII));
    assertFalse(frames.next());
  }

  @Test
  void next_joinsMultiPartRecordsWithTheMagicBetween() throws IOException {
    byte[] data = concat(header(1, 2), ascii("ab"), new byte[2], header(2, 0), header(3, 3), ascii("cde"), new byte[1]);
    RecordIoFrames frames = new RecordIoFrames(new ByteArrayInputStream(data));
    assertTrue(frames.next());
    byte[] magic = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(RecordIoFrames.MAGIC).array();
    assertArrayEquals(concat(ascii("ab"), magic, magic, ascii("cde")), Arrays.copyOf(frames.buffer(), frames.length()));
    assertFalse(frames.next());
  }

  @Test
  void next_hugeLengthOnShortStream_isTruncatedWithoutAllocatingIt() {
    byte[] data = concat(header(0, (1 << 29) - 1), new byte[10]);
    MalformedStreamException e = assertThrows(MalformedStreamException.class,
        () -> new RecordIoFrames(new ByteArrayInputStream(data)).next());
    assertEquals("byte offset 0: truncated RecordIO frame: header says 536870911 payload bytes, the stream ends "
        + "after 10", e.getMessage());
  }

  @Test
  void next_truncatedHeader() {
    byte[] data = concat(RecordIoFrames.frame(ascii("abcd")), Arrays.copyOf(header(0, 4), 5));
    RecordIoFrames frames = new RecordIoFrames(new ByteArrayInputStream(data));
    MalformedStreamException e = assertThrows(MalformedStreamException.class, () -> {
      frames.next();
      frames.next();
    });
    assertEquals("byte offset 12: truncated RecordIO frame header (5 of 8 bytes)", e.getMessage());
    assertEquals(12, e.offset());
  }

  @Test
  void next_missingPadding() {
    byte[] data = concat(header(0, 3), ascii("abc"));
    MalformedStreamException e = assertThrows(MalformedStreamException.class,
        () -> new RecordIoFrames(new ByteArrayInputStream(data)).next());
    assertEquals("byte offset 0: truncated RecordIO frame: padding after 3 payload bytes is missing", e.getMessage());
  }

  @Test
  void next_continuationOutsideARecord() {
    MalformedStreamException e = assertThrows(MalformedStreamException.class,
        () -> new RecordIoFrames(new ByteArrayInputStream(header(3, 0))).next());
    assertEquals("byte offset 0: RecordIO continuation flag 3 outside a multi-part record", e.getMessage());
  }

  @Test
  void payloadStream_terminatesEveryTextRecord() throws IOException {
    byte[] data = concat(RecordIoFrames.frame(ascii("1,2\n3,4")), RecordIoFrames.frame(ascii("5,6\n")));
    try (InputStream in = new RecordIoPayloadStream(new ByteArrayInputStream(data), true)) {
      assertEquals("1,2\n3,4\n5,6\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    }
    try (InputStream in = new RecordIoPayloadStream(new ByteArrayInputStream(data), false)) {
      assertEquals("1,2\n3,45,6\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    }
  }
}
