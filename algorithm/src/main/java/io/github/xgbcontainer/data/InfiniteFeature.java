package io.github.xgbcontainer.data;

/**
 * The refusal of an infinite feature value in training data, worded alike for every content type.
 *
 * <p>XGBoost refuses infinities in a matrix whose missing value is not infinite (ours is NaN), but
 * only while it builds the matrix, after the whole channel was read, and without saying where:
 * {@code Input data contains `inf` or a value too large, while `missing` is not set to `inf`}. The
 * official image passes that on as a ClientError; here each reader refuses the value where it
 * parses it, so the message can name the file and the line, row or record. Inference payloads are
 * not refused here: serving keeps its own behaviour.
 */
public final class InfiniteFeature {

  /** The largest float32, beyond which a decimal reads as infinite. */
  private static final String FLOAT32_RANGE = "beyond ±3.4028235E38";

  private InfiniteFeature() {}

  /**
   * What follows the place in the message.
   *
   * @param subject the value, e.g. {@code the value 'inf'} or {@code the value 1.0E300 in column 'x'}
   * @param overflow whether the value was written as a finite number too large for float32 (as
   *     {@code 1e999}), rather than as infinity
   * @param fix what to do instead, after "perhaps you should"
   */
  public static String refusal(String subject, boolean overflow, String fix) {
    return subject + (overflow ? " is infinite as a float32 (" + FLOAT32_RANGE + ")" : " is infinite")
        + "; XGBoost trains only on finite feature values, perhaps you should " + fix;
  }

  /** Whether a number written as text was a word ({@code inf}, {@code -Infinity}), not a decimal that overflowed. */
  static boolean writtenAsWord(byte[] b, int from, int to) {
    return to > from && (b[to - 1] | 0x20) >= 'a' && (b[to - 1] | 0x20) <= 'z';
  }
}
