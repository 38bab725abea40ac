package io.github.xgbcontainer.serve;

/**
 * The feature rows of one request, on the heap, ready for xgboost4j: dense row-major values with
 * {@code NaN} for missing, or CSR.
 *
 * @param rows number of rows
 * @param columns dense: features per row; CSR: one more than the largest index used
 * @param values dense: {@code rows * columns} values; CSR: the stored values
 * @param indptr CSR row pointers ({@code rows + 1}), {@code null} when dense
 * @param indices CSR column indices, {@code null} when dense
 */
record Rows(int rows, int columns, float[] values, long[] indptr, int[] indices) {

  Rows {
    if (rows <= 0) {
      throw new IllegalArgumentException("no rows");
    }
    if ((indptr == null) != (indices == null)) {
      throw new IllegalArgumentException("CSR needs both indptr and indices");
    }
    if (columns < 0) {
      throw new IllegalArgumentException("negative width " + columns);
    }
    if (indptr == null && (long) rows * columns != values.length) {
      throw new IllegalArgumentException(values.length + " values are not " + rows + " rows of " + columns);
    }
    if (indptr != null) {
      checkCsr(rows, columns, values, indptr, indices);
    }
  }

  /**
   * XGBoost trusts CSR: a negative index or one past the width is read out of bounds in native
   * code (a crash, not an exception). The readers refuse such input with a 400; this is the last
   * guard, and a failure here is a bug in a reader.
   */
  private static void checkCsr(int rows, int columns, float[] values, long[] indptr, int[] indices) {
    if (indptr.length != rows + 1 || indptr[0] != 0 || indptr[rows] != indices.length
        || indices.length != values.length) {
      throw new IllegalArgumentException("CSR arrays do not agree: " + indptr.length + " row pointers for "
          + rows + " rows, " + indices.length + " indices, " + values.length + " values");
    }
    for (int r = 0; r < rows; r++) {
      if (indptr[r + 1] < indptr[r]) {
        throw new IllegalArgumentException("CSR row pointers decrease at row " + r);
      }
    }
    for (int index : indices) {
      if (index < 0 || index >= columns) {
        throw new IllegalArgumentException("CSR index " + index + " is outside [0, " + columns + ")");
      }
    }
  }

  static Rows dense(int rows, int columns, float[] values) {
    return new Rows(rows, columns, values, null, null);
  }

  boolean isDense() {
    return indptr == null;
  }
}
