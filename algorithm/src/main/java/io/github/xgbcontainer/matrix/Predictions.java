package io.github.xgbcontainer.matrix;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A booster's predictions for every row of a matrix, in one row-major array. xgboost4j's
 * {@code Booster.predict} answers {@code float[][]}, one Java array per row: at one output per row
 * that is about 24 bytes of heap a row where the value takes 4, which a million rows after the last
 * round (the report's evaluation, the container's metrics every round, cross-validation's held-out
 * folds) turned into an OutOfMemoryError in a small heap.
 *
 * @param values {@code rows() * columns} predictions, row by row
 * @param columns the outputs per row: 1, or one per class (or target, or margin) for several
 */
public record Predictions(float[] values, int columns) {

  public Predictions {
    if (columns < 1) {
      throw new IllegalArgumentException("columns " + columns + " is not at least 1");
    }
    if (values.length % columns != 0) {
      throw new IllegalArgumentException(values.length + " values are not rows of " + columns);
    }
  }

  /** Rows predicted. */
  public int rows() {
    return values.length / columns;
  }

  /** The output {@code column} of row {@code row}. */
  public float get(int row, int column) {
    return values[row * columns + column];
  }

  /**
   * Every row of {@code data} predicted by every tree of {@code booster}: through the native shim
   * ({@link NativeShim#predictMatrix}) into one array, or where the shim is unavailable through
   * xgboost4j, flattened, with the same values.
   *
   * @param margin whether to predict the untransformed margin instead of the objective's output
   * @throws XGBoostError XGBoost's message, when it cannot predict
   */
  public static Predictions of(Booster booster, DMatrix data, boolean margin) throws XGBoostError {
    long handle = NativeShim.available() ? NativeShim.boosterHandle(booster) : 0;
    if (handle == 0) {
      return flatten(booster.predict(data, margin, 0));
    }
    long[] shape = new long[2];
    String[] error = new String[1];
    float[] values = NativeShim.predictMatrix(handle, data.getHandle(), margin, shape, error);
    if (values == null) {
      throw new XGBoostError(error[0]);
    }
    return new Predictions(values, (int) Math.max(1, shape[1]));
  }

  /** Per-row arrays, as xgboost4j answers them, in one array; every row as long as the first. */
  public static Predictions flatten(float[][] rows) {
    int columns = rows.length == 0 ? 1 : rows[0].length;
    float[] values = new float[rows.length * columns];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, values, i * columns, columns);
    }
    return new Predictions(values, columns);
  }
}
