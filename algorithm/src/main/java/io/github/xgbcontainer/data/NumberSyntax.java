package io.github.xgbcontainer.data;

import ch.randelshofer.fastdoubleparser.JavaFloatParser;
import java.nio.charset.StandardCharsets;

/**
 * The one syntax of a number written as text, in every content type and in both commands (CSV and
 * LibSVM channels, CSV, LibSVM and quoted JSON values in requests): a decimal
 * {@code [+-]digits[.digits][(e|E)[+-]digits]} (either side of the point may be empty, not both),
 * or {@code nan}, {@code inf}, {@code infinity} in any letter case, with an optional sign.
 *
 * <p>That is the notation the official image's Python readers take (less Python's digit
 * underscores), so a file or request that works there reads the same here. Java's
 * own grammar (which fastdoubleparser's {@code JavaFloatParser} follows) would also read hex
 * floats ({@code 0x1p3}) and type suffixes ({@code 1f}, {@code 2d}) but not {@code nan} or
 * {@code inf}: a value one command took and the other refused. Decimals are still rounded to
 * {@code float} by fastdoubleparser, correctly, after this check.
 *
 * <p>Short plain decimals, the bulk of numeric CSV ({@code -1.23456}), take a faster road first:
 * at most 2<sup>24</sup> as an integer of their digits and at most 10 digits after the point, both
 * the digits and the power of ten are exact floats, so one float division is the correctly rounded
 * value (Clinger's fast path), the same bits fastdoubleparser returns, at a fraction of the cost.
 */
public final class NumberSyntax {

  private NumberSyntax() {}

  /**
   * Reads {@code [from, to)}, which holds no surrounding whitespace.
   *
   * @throws NumberFormatException when the text is not a number in this syntax
   */
  public static float parseFloat(byte[] b, int from, int to) {
    float fast = shortDecimal(b, from, to);
    if (fast == fast) {
      return fast;
    }
    int i = from;
    if (i < to && (b[i] == '+' || b[i] == '-')) {
      i++;
    }
    if (i < to && (b[i] | 0x20) >= 'a' && (b[i] | 0x20) <= 'z') {
      return special(b, from, i, to);
    }
    // Java's grammar, which fastdoubleparser reads, is this syntax plus three things: hex floats
    // (0x...), a type suffix (f, d) and white space around the number. Refusing those three
    // takes a look at both ends, where checking every byte first cost the CSV reader about a
    // sixth of its time.
    if (i == to) {
      throw new NumberFormatException();
    }
    int last = b[to - 1] | 0x20;
    if (to - i >= 2 && b[i] == '0' && (b[i + 1] | 0x20) == 'x' || last == 'f' || last == 'd'
        || (b[from] & 0xff) <= ' ' || (b[to - 1] & 0xff) <= ' ') {
      throw new NumberFormatException();
    }
    return JavaFloatParser.parseFloat(b, from, to - from);
  }

  /** Exact powers of ten as floats: 10^10 is the last below 2^24 times a power of two. */
  private static final float[] POWERS_OF_TEN = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

  /** The most digits after the point a short decimal may have: 10^10 is the last exact power. */
  static final int MAX_FRACTION = POWERS_OF_TEN.length - 1;

  /**
   * The float of the short decimal {@code digits / 10^fraction}, correctly rounded (one float
   * division of exact operands): {@code |digits|} at most 2^24, {@code fraction} at most {@link
   * #MAX_FRACTION}. The parser reads a short decimal with it, and {@link PackedDecimals} decodes
   * its integers with it, so that both give the same bits.
   */
  static float decimal(long digits, int fraction) {
    return (float) digits / POWERS_OF_TEN[fraction];
  }

  /** The largest integer up to which every integer is a float. */
  private static final long EXACT_INTEGERS = 1L << 24;

  /**
   * {@code [+-]digits[.digits]} whose digits make an integer of at most 2^24 with at most 10 of
   * them after the point, correctly rounded; NaN for anything else (which the full parser reads,
   * or refuses). Never NaN for a number, so NaN says "not taken".
   */
  private static float shortDecimal(byte[] b, int from, int to) {
    long taken = shortDecimalField(b, from, to, (byte) '\n');
    return taken >= 0 && (int) (taken >>> 32) == to ? Float.intBitsToFloat((int) taken) : Float.NaN;
  }

  /**
   * The short-decimal road for a text reader that has not found the field's end yet: reads
   * {@code [+-]digits[.digits]} from {@code from} up to the first {@code delimiter} or {@code limit},
   * whichever comes first, and answers the field's end in the high 32 bits and the float's bits in
   * the low 32, or -1 when the field is not a short decimal ending there (a space, an exponent, a
   * word, too many digits): then the caller finds the end and calls {@link #parseFloat(byte[], int,
   * int)}. One long, so that no value needs an object.
   */
  static long shortDecimalField(byte[] b, int from, int limit, byte delimiter) {
    int i = from;
    boolean negative = false;
    if (i < limit) {
      if (b[i] == '-') {
        negative = true;
        i++;
      } else if (b[i] == '+') {
        i++;
      }
    }
    int first = i;
    long digits = 0;
    int d;
    // 18 digits cannot overflow a long; past them the value is too long for this road anyway.
    while (i < limit && (d = b[i] - '0') >= 0 && d <= 9 && i - first < 18) {
      digits = digits * 10 + d;
      i++;
    }
    int whole = i - first;
    int fraction = 0;
    if (i < limit && b[i] == '.') {
      i++;
      int point = i;
      // At most 10 digits after the point (an exact power of ten), 18 in all (no overflow).
      while (i < limit && (d = b[i] - '0') >= 0 && d <= 9 && i - point < MAX_FRACTION
          && whole + i - point < 18) {
        digits = digits * 10 + d;
        i++;
      }
      fraction = i - point;
    }
    if (i < limit && b[i] != delimiter || whole + fraction == 0 || digits > EXACT_INTEGERS) {
      return -1;
    }
    float v = decimal(digits, fraction);
    return (long) i << 32 | Float.floatToRawIntBits(negative ? -v : v) & 0xffffffffL;
  }

  /** Reads a whole string, which holds no surrounding whitespace. */
  public static float parseFloat(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return parseFloat(b, 0, b.length);
  }

  private static float special(byte[] b, int from, int word, int to) {
    boolean negative = b[from] == '-';
    if (matches(b, word, to, "nan")) {
      return Float.NaN;
    }
    if (matches(b, word, to, "inf") || matches(b, word, to, "infinity")) {
      return negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
    }
    throw new NumberFormatException();
  }

  private static boolean matches(byte[] b, int from, int to, String lower) {
    if (to - from != lower.length()) {
      return false;
    }
    for (int i = 0; i < lower.length(); i++) {
      if ((b[from + i] | 0x20) != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
