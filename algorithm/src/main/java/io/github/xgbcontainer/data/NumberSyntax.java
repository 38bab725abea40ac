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
    int digits = 0;
    while (i < to && isDigit(b[i])) {
      i++;
      digits++;
    }
    if (i < to && b[i] == '.') {
      i++;
      while (i < to && isDigit(b[i])) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      throw new NumberFormatException();
    }
    if (i < to && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < to && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int exponent = 0;
      while (i < to && isDigit(b[i])) {
        i++;
        exponent++;
      }
      if (exponent == 0) {
        throw new NumberFormatException();
      }
    }
    if (i != to) {
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

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }
}
