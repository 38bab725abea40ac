package io.github.xgbcontainer.data;

import java.nio.FloatBuffer;

/**
 * Takes the query id column ({@code query_column}) out of dense rows (CSV, Parquet): its values
 * become the batch's {@link QueryRuns}, the other columns stay features. The parsers read every
 * column as {@code float32}, which holds whole numbers exactly only up to 2^24, so larger ids are
 * refused rather than silently merged.
 */
final class QueryColumn {

  /** The largest whole number a float32 holds exactly, and with it every smaller one: 2^24. */
  static final long LARGEST_ID = 1L << 24;

  private final int feature;
  private final int fileColumn;

  /**
   * @param feature the column's index among the features (the label and weight not counted)
   * @param fileColumn the column's 1-based number in the file (the label is column 1), for messages
   */
  QueryColumn(int feature, int fileColumn) {
    if (feature < 0 || fileColumn < 2) {
      throw new IllegalArgumentException("feature index " + feature + ", file column " + fileColumn);
    }
    this.feature = feature;
    this.fileColumn = fileColumn;
  }

  int feature() {
    return feature;
  }

  int fileColumn() {
    return fileColumn;
  }

  /**
   * The batch without the column, with its query ids; closes {@code dense}.
   *
   * @throws DataFormatException for a missing, negative, fractional or too large id, with the
   *     1-based row within the batch as its line
   */
  Batch extract(Batch dense) throws DataFormatException {
    try (dense) {
      if (!dense.isDense()) {
        throw new IllegalArgumentException("a query column is taken from dense rows only");
      }
      int rows = dense.rows();
      int columns = dense.columns();
      if (feature >= columns) {
        throw new DataFormatException(1, 0, "query_column " + fileColumn + " is beyond the row's last column");
      }
      FloatBuffer in = dense.values();
      OffHeapBuffer labels = copy(dense.labels(), rows);
      OffHeapBuffer weights = dense.hasWeights() ? copy(dense.weights(), rows) : null;
      OffHeapBuffer values = new OffHeapBuffer(4L * rows * (columns - 1));
      try {
        FloatBuffer out = values.bytes().asFloatBuffer();
        QueryRuns.Builder runs = new QueryRuns.Builder();
        long present = 0;
        int at = 0;
        for (int r = 0; r < rows; r++) {
          float id = in.get(r * columns + feature);
          if (Float.isNaN(id) || id < 0 || id != Math.rint(id) || id > LARGEST_ID) {
            throw new DataFormatException(r + 1, fileColumn, Float.isNaN(id) ? "the query id is missing"
                : "the query id " + id + " is not a whole number in [0, " + LARGEST_ID + "] (query ids are read"
                + " as float32, which holds larger ones inexactly), perhaps you should number the queries from 0");
          }
          runs.row(r, (long) id, 0);
          for (int c = 0; c < columns; c++) {
            if (c != feature) {
              float v = in.get(r * columns + c);
              out.put(at++, v);
              if (!Float.isNaN(v)) {
                present++;
              }
            }
          }
        }
        return Batch.dense(rows, columns - 1, present, labels, weights, values).withQueries(runs.build(false));
      } catch (DataFormatException | RuntimeException e) {
        labels.close();
        values.close();
        if (weights != null) {
          weights.close();
        }
        throw e;
      }
    }
  }

  private static OffHeapBuffer copy(FloatBuffer from, int length) {
    OffHeapBuffer buffer = new OffHeapBuffer(4L * length);
    FloatBuffer to = buffer.bytes().asFloatBuffer();
    for (int i = 0; i < length; i++) {
      to.put(i, from.get(i));
    }
    return buffer;
  }
}
