package io.github.xgbcontainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ByteScannerTest {

  @Test
  void countAndNext_agreeWithAByteLoop_onEveryAlignmentAndByteValue() {
    SplittableRandom random = new SplittableRandom(7);
    for (int n = 0; n < 2_000; n++) {
      byte[] b = new byte[random.nextInt(0, 80)];
      for (int i = 0; i < b.length; i++) {
        // Line breaks among their neighbours 0x09, 0x0b and bytes of 0x80 and up, where a looser
        // zero-byte test would report a match.
        int kind = random.nextInt(7);
        b[i] = (byte) (kind == 0 ? '\n' : kind == 1 ? 0x0b : kind == 2 ? 0x09 : kind == 3 ? 0x8a : kind == 4 ? ',' : random.nextInt(256));
      }
      int end = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      long count = 0;
      for (int i = 0; i < end; i++) {
        count += b[i] == '\n' ? 1 : 0;
      }
      long commas = 0;
      for (int i = 0; i < end; i++) {
        commas += b[i] == ',' ? 1 : 0;
      }
      assertEquals(commas, ByteScanner.count(b, end, (byte) ','));
      assertEquals(count, ByteScanner.count(b, end, (byte) '\n'));
      for (int from = 0; from <= end; from++) {
        int expected = from;
        while (expected < end && b[expected] != '\n') {
          expected++;
        }
        assertEquals(expected, ByteScanner.next(b, from, end, (byte) '\n'));
      }
    }
  }
}
