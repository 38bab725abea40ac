package io.github.xgbcontainer.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A dense batch's feature values held as scaled integers of one to three bytes instead of four-byte
 * floats, when every value of the batch is a short decimal: {@code 0.455}, {@code -1.70778},
 * {@code 15}. Each value {@code v} is stored as the integer {@code q} with {@code v == (float) q /
 * 10^fraction}, one {@code fraction} for the whole batch, decoded by {@link NumberSyntax#decimal},
 * which is how the parser reads a short decimal in the first place.
 *
 * <p>Packing never guesses: every value is checked by decoding it, and a batch with one value that
 * does not come back bit for bit (a float printed with all its digits, an infinity, an integer past
 * three bytes) stays as floats. Two codes of each width are reserved: the lowest stands for a
 * missing value ({@code NaN}), the next for {@code -0.0}. Integers are little-endian and signed;
 * the native shim decodes the same layout (xgbc_shim.c, {@code unpack}).
 */
final class PackedDecimals {

  /** Exact powers of ten as doubles, for the packer's check; the decoder is {@link NumberSyntax#decimal}. */
  private static final double[] POW_D = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10};
  /** The largest magnitude of a stored integer per width (index 1-3): the two lowest codes are reserved. */
  private static final long[] LIMIT = {0, 126, 32_766, 8_388_606};
  /** Scratch integers, one array per parser thread, reused from block to block. */
  private static final ThreadLocal<int[]> SCRATCH = ThreadLocal.withInitial(() -> new int[0]);

  private final int width;
  private final int fraction;

  private PackedDecimals(int width, int fraction) {
    this.width = width;
    this.fraction = fraction;
  }

  /** Bytes per value: 1, 2 or 3. */
  int width() {
    return width;
  }

  /** Digits after the decimal point that every stored integer is scaled by. */
  int fraction() {
    return fraction;
  }

  /** The code the native shim reads: width in the high byte, fraction in the low one. */
  int code() {
    return width << 8 | fraction;
  }

  /**
   * Packs the first {@code n} values of {@code values} into a new buffer, or answers {@code null}
   * when some value has no short decimal form (the caller then keeps the floats).
   */
  static Packed pack(FloatBuffer values, int n) {
    int[] q = SCRATCH.get();
    if (q.length < n) {
      q = new int[n];
      SCRATCH.set(q);
    }
    int fraction = 0;
    long largest = 0;
    double scale = POW_D[0];
    for (int i = 0; i < n; i++) {
      float v = values.get(i);
      if (v != v) {
        q[i] = Integer.MIN_VALUE;
        continue;
      }
      if (v == 0 && Float.floatToRawIntBits(v) != 0) {
        q[i] = Integer.MIN_VALUE + 1;
        continue;
      }
      double m;
      while (true) {
        m = Math.rint(v * scale);
        // (float) (m / scale) is NumberSyntax.decimal(m, fraction), the decoder: a quotient of
        // doubles rounded to float is the quotient of floats (53 >= 2 * 24 + 2 bits; the tests
        // check every code), and the double division is three times faster here
        if (m >= -LIMIT[3] && m <= LIMIT[3] && (float) (m / scale) == v) {
          break;
        }
        // A finer scale: the integers so far times ten decode to the same floats (the same
        // quotient, correctly rounded, while they stay below 2^24).
        if (fraction == NumberSyntax.MAX_FRACTION || largest * 10 > LIMIT[3]) {
          return null;
        }
        fraction++;
        scale = POW_D[fraction];
        largest *= 10;
        for (int k = 0; k < i; k++) {
          if (q[k] > Integer.MIN_VALUE + 1) {
            q[k] *= 10;
          }
        }
      }
      int integer = (int) m;
      q[i] = integer;
      largest = Math.max(largest, Math.abs(integer));
    }
    int width = largest <= LIMIT[1] ? 1 : largest <= LIMIT[2] ? 2 : 3;
    int nan = -(1 << (8 * width - 1));
    // width 3: one byte of padding, so that a value may be written, and the native decoder may
    // read it, as four bytes whose last one the next value overwrites
    OffHeapBuffer out = new OffHeapBuffer((long) n * width + (width == 3 ? 1 : 0));
    ByteBuffer bytes = out.bytes().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0, at = 0; i < n; i++, at += width) {
      int m = q[i] > Integer.MIN_VALUE + 1 ? q[i] : q[i] == Integer.MIN_VALUE ? nan : nan + 1;
      if (width == 3) {
        bytes.putInt(at, m);
      } else if (width == 2) {
        bytes.putShort(at, (short) m);
      } else {
        bytes.put(at, (byte) m);
      }
    }
    return new Packed(new PackedDecimals(width, fraction), out);
  }

  /** Decodes {@code n} values from {@code packed} into {@code out}, from index 0 of both. */
  void unpack(ByteBuffer packed, int n, FloatBuffer out) {
    int nan = -(1 << (8 * width - 1));
    for (int i = 0, at = 0; i < n; i++, at += width) {
      int m = width == 1 ? packed.get(at)
          : width == 2 ? packed.get(at) & 0xff | packed.get(at + 1) << 8
          : packed.get(at) & 0xff | (packed.get(at + 1) & 0xff) << 8 | packed.get(at + 2) << 16;
      out.put(i, m == nan ? Float.NaN : m == nan + 1 ? -0f : NumberSyntax.decimal(m, fraction));
    }
  }

  /** Packed values and how they are packed. */
  record Packed(PackedDecimals format, OffHeapBuffer bytes) {}
}
