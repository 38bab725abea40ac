package io.github.xgbcontainer.hyperparameters;

/**
 * A numeric range with open or closed ends, written the way XGBoost's parameter docs write it:
 * {@code [0, 1]}, {@code (0, 1]}, {@code [1, inf)}.
 *
 * @param min the lower bound, or {@code -inf} for none
 * @param minClosed whether {@code min} itself is allowed
 * @param max the upper bound, or {@code inf} for none
 * @param maxClosed whether {@code max} itself is allowed
 */
public record Interval(double min, boolean minClosed, double max, boolean maxClosed) {

  public Interval {
    if (!(min <= max)) {
      throw new IllegalArgumentException("empty interval: " + min + " > " + max);
    }
  }

  /** {@code [min, max]}. */
  public static Interval closed(double min, double max) {
    return new Interval(min, true, max, true);
  }

  /** {@code (min, max)}. */
  public static Interval open(double min, double max) {
    return new Interval(min, false, max, false);
  }

  /** {@code (min, max]}. */
  public static Interval openClosed(double min, double max) {
    return new Interval(min, false, max, true);
  }

  /** {@code [min, inf)}. */
  public static Interval atLeast(double min) {
    return new Interval(min, true, Double.POSITIVE_INFINITY, false);
  }

  /** {@code (min, inf)}. */
  public static Interval above(double min) {
    return new Interval(min, false, Double.POSITIVE_INFINITY, false);
  }

  /** Whether {@code value} lies in the interval. */
  public boolean contains(double value) {
    boolean aboveMin = minClosed ? value >= min : value > min;
    boolean belowMax = maxClosed ? value <= max : value < max;
    return aboveMin && belowMax;
  }

  @Override
  public String toString() {
    return (minClosed ? "[" : "(") + format(min) + ", " + format(max) + (maxClosed ? "]" : ")");
  }

  /** A number as a person writes it: {@code 1} rather than {@code 1.0}, {@code inf} for infinity. */
  static String format(double value) {
    if (value == Double.POSITIVE_INFINITY) {
      return "inf";
    }
    if (value == Double.NEGATIVE_INFINITY) {
      return "-inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
