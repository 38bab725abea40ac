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
 */
public final class NumberSyntax {

  private NumberSyntax() {}

  /**
   * Reads {@code [from, to)}, which holds no surrounding whitespace.
   *
   * @throws NumberFormatException when the text is not a number in this syntax
   */
  public static float parseFloat(byte[] b, int from, int to) {
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
