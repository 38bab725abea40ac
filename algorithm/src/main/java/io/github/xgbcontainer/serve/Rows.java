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
    if (indptr == null && (long) rows * columns != values.length) {
      throw new IllegalArgumentException(values.length + " values are not " + rows + " rows of " + columns);
    }
  }

  static Rows dense(int rows, int columns, float[] values) {
    return new Rows(rows, columns, values, null, null);
  }

  boolean isDense() {
    return indptr == null;
  }
}
