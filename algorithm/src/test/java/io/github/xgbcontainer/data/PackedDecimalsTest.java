package io.github.xgbcontainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PackedDecimalsTest {

  private static FloatBuffer floats(float... values) {
    FloatBuffer buffer = ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    buffer.put(values);
    return buffer;
  }

  /** Packs, unpacks and asserts every value came back bit for bit; answers the packing. */
  private static PackedDecimals roundTrip(float... values) {
    PackedDecimals.Packed packed = PackedDecimals.pack(floats(values), values.length);
    assertNotNull(packed, "packable");
    try {
      FloatBuffer out = ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
      packed.format().unpack(packed.bytes().bytes(), values.length, out);
      for (int i = 0; i < values.length; i++) {
        float value = values[i];
        assertEquals(Float.floatToRawIntBits(value), Float.floatToRawIntBits(out.get(i)),
            () -> "value " + value + " came back as something else");
      }
      assertEquals((long) values.length * packed.format().width() + (packed.format().width() == 3 ? 1 : 0),
          packed.bytes().bytes().capacity());
      return packed.format();
    } finally {
      packed.bytes().close();
    }
  }

  @Test
  void quotientOfDoublesRoundedToFloat_isTheDecodersQuotientOfFloats_forEveryCode() {
    // The packer checks a value with (float) (m / 10^f) in doubles, the decoders (Java and the
    // native shim) compute (float) m / 10^f in floats: equal for every integer of three bytes and
    // every scale, so a value the packer accepts decodes to its own bits.
    float[] floatPowers = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
    long differ = 0;
    String first = null;
    for (int f = 0; f < floatPowers.length; f++) {
      double scale = Math.pow(10, f);
      float divisor = floatPowers[f];
      for (int m = -(1 << 23); m < 1 << 23; m++) {
        if (Float.floatToRawIntBits((float) (m / scale)) != Float.floatToRawIntBits((float) m / divisor)) {
          differ++;
          first = first == null ? m + " / 10^" + f : first;
        }
      }
    }
    assertEquals(0, differ, "first: " + first);
  }

  @Test
  void pack_shortDecimalsAsTheParserReadsThem_comeBackBitForBit() {
    Random random = new Random(3);
    float[] values = new float[20_000];
    for (int i = 0; i < values.length; i++) {
      // the benchmark's fields: a digit, a point and five digits
      String text = (random.nextBoolean() ? "-" : "") + random.nextInt(10) + "." + String.format("%05d", random.nextInt(100_000));
      values[i] = NumberSyntax.parseFloat(text);
    }
    PackedDecimals format = roundTrip(values);
    assertEquals(3, format.width());
    assertEquals(5, format.fraction());
  }

  @Test
  void pack_widthFollowsTheLargestInteger_twoCodesOfEachWidthReserved() {
    assertEquals(1, roundTrip(1, -126, 126, 0).width());
    assertEquals(2, roundTrip(1, 127).width());
    assertEquals(2, roundTrip(-32766, 32766).width());
    assertEquals(3, roundTrip(32767).width());
    assertEquals(3, roundTrip(-8388606, 8388606).width());
    assertNull(PackedDecimals.pack(floats(8388607), 1));
    assertNull(PackedDecimals.pack(floats(-8388607), 1));
  }

  @Test
  void pack_missingAndNegativeZeroComeBack() {
    PackedDecimals format = roundTrip(Float.NaN, -0f, 0f, 1.5f, -12.6f);
    assertEquals(1, format.width());
    assertEquals(1, format.fraction());
    // -127 would be the code of -0.0 in a byte
    assertEquals(2, roundTrip(Float.NaN, -0f, -12.7f, 0.5f).width());
  }

  @Test
  void pack_aFinerScaleLaterRescalesTheValuesBefore() {
    PackedDecimals format = roundTrip(3, -7, 0.5f, 12, 0.25f, 0.125f, 100);
    assertEquals(3, format.fraction());
    assertEquals(3, format.width());
  }

  @Test
  void pack_refusesAValueWithoutAShortDecimal() {
    assertNull(PackedDecimals.pack(floats(0.5f, 1f / 3), 2));
    assertNull(PackedDecimals.pack(floats(0.8692932128906250f), 1));
    assertNull(PackedDecimals.pack(floats(1, Float.POSITIVE_INFINITY), 2));
    assertNull(PackedDecimals.pack(floats(Float.NEGATIVE_INFINITY), 1));
    assertNull(PackedDecimals.pack(floats((float) Long.MIN_VALUE), 1));
    assertNull(PackedDecimals.pack(floats(1e-11f), 1));
    assertNull(PackedDecimals.pack(floats(1e20f), 1));
  }

  @Test
  void batch_packedHoldsFewerBytes_andItsValuesComeBackAsFloatsOnce() {
    float[] values = {0.455f, 0.365f, 0.095f, 0.514f, 0.2245f, 0.101f, 0.15f, 15f};
    Batch floats = Batch.ofDense(new float[] {1, 0}, null, values, 4);
    Batch packed = floats.packed();
    assertTrue(packed.isPacked());
    assertEquals(3 * values.length + 1, packed.valueBytes(), "15 * 10^4 needs three bytes");
    assertEquals(3 << 8 | 4, packed.packingCode());
    assertSame(packed, packed.packed());
    float[] back = new float[values.length];
    packed.values().get(back);
    assertArrayEquals(values, back);
    assertFalse(packed.isPacked());
    assertEquals(0, packed.packingCode());
    assertEquals(4L * values.length, packed.valueBytes());
    packed.close();
  }

  @Test
  void batch_sparseOrUnpackableBatchesStayAsTheyAre() {
    Batch sparse = Batch.ofSparse(new float[] {1}, null, new long[] {0, 1}, new int[] {0}, new float[] {0.5f}, 1);
    assertSame(sparse, sparse.packed());
    sparse.close();
    Batch full = Batch.ofDense(new float[] {1}, null, new float[] {0.1f, 1f / 3}, 2);
    assertSame(full, full.packed());
    assertFalse(full.isPacked());
    full.close();
  }
}
