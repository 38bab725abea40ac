package io.github.xgbcontainer.matrix;

import io.github.xgbcontainer.data.BatchCache;

/**
 * How to build a matrix.
 *
 * @param missing the value that marks a missing feature (default {@code NaN}, as the parsers write)
 * @param maxBin the number of histogram bins per feature for the quantile path (XGBoost's
 *     {@code max_bin}, default 256, at least 2); must match the training matrix for validation
 * @param nthread threads used to build the matrix, 0 for all cores (default 0)
 * @param quantile whether a quantised matrix may be built: true only for {@code tree_method} hist
 *     (also what {@code auto} means since XGBoost 2.0); false for {@code approx} and {@code exact}
 *     (XGBoost 3.4 refuses both on a QuantileDMatrix: "Only the `hist` tree method can use the
 *     `QuantileDMatrix`") and for {@code booster} gblinear, which need the raw values
 * @param external where an external-memory matrix keeps its pages, or {@code null} for a matrix in
 *     memory; only with {@code quantile} (XGBoost's external memory is a quantised matrix)
 */
public record MatrixOptions(float missing, int maxBin, int nthread, boolean quantile, BatchCache external) {

  public MatrixOptions {
    if (maxBin < 2) {
      throw new IllegalArgumentException("max_bin must be at least 2, got " + maxBin);
    }
    if (nthread < 0) {
      throw new IllegalArgumentException("nthread must be 0 (all cores) or positive, got " + nthread);
    }
    if (external != null && !quantile) {
      throw new IllegalArgumentException("an external-memory matrix is quantised: quantile must be true");
    }
  }

  /** A matrix in memory. */
  public MatrixOptions(float missing, int maxBin, int nthread, boolean quantile) {
    this(missing, maxBin, nthread, quantile, null);
  }

  /** The same options for a matrix in memory (the plain copy SHAP reads needs raw values). */
  public MatrixOptions inMemory(boolean quantile) {
    return new MatrixOptions(missing, maxBin, nthread, quantile, null);
  }

  /** NaN for missing, 256 bins, all cores, quantile path allowed. */
  public static MatrixOptions defaults() {
    return new MatrixOptions(Float.NaN, 256, 0, true);
  }
}
