package io.github.xgbcontainer.output;

/**
 * The points of one curve as they come, of which only the {@link ModelEvaluation#MAX_POINTS}
 * evenly spread ones (first and last included) are stored: a curve over a million distinct scores
 * made a million two-double arrays of garbage after the last round, which set the job's peak RSS.
 */
final class KeptPoints {

  private final int[] kept;
  private final double[] x;
  private final double[] y;
  private int next;
  private int stored;

  /** @param count how many points will be added */
  KeptPoints(int count) {
    kept = spread(count);
    x = new double[kept.length];
    y = new double[kept.length];
  }

  void add(double px, double py) {
    if (stored < kept.length && kept[stored] == next) {
      x[stored] = px;
      y[stored] = py;
      stored++;
    }
    next++;
  }

  ModelEvaluation.Curve curve(String name, double area) {
    return new ModelEvaluation.Curve(name, x, y, area);
  }

  /**
   * Indexes of at most {@link ModelEvaluation#MAX_POINTS} of {@code n} items, evenly spread, first
   * and last included.
   */
  static int[] spread(int n) {
    if (n <= ModelEvaluation.MAX_POINTS) {
      return java.util.stream.IntStream.range(0, n).toArray();
    }
    int[] out = new int[ModelEvaluation.MAX_POINTS];
    for (int i = 0; i < ModelEvaluation.MAX_POINTS; i++) {
      out[i] = (int) ((long) i * (n - 1) / (ModelEvaluation.MAX_POINTS - 1));
    }
    return out;
  }
}
