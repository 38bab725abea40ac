package io.github.xgbcontainer.matrix;

/**
 * How to build a matrix.
 *
 * @param missing the value that marks a missing feature
 * @param maxBin histogram bins per feature (quantised matrices)
 * @param nthread native threads
 * @param quantile whether a quantised matrix may be built (hist and approx trees)
 */
public record MatrixOptions(float missing, int maxBin, int nthread, boolean quantile) {}
