package io.github.xgbcontainer.data;

import java.nio.FloatBuffer;

/**
 * Fills a dense batch in place, off the heap, in any order (a columnar reader writes one column at
 * a time), so a binary reader needs no heap copy of its rows. Values not written stay missing.
 */
public final class DenseBatchBuilder implements AutoCloseable {

  private final int rows;
  private final int columns;
  private OffHeapBuffer labels;
  private OffHeapBuffer values;
  private final FloatBuffer labelView;
  private final FloatBuffer valueView;
  private long present;

  public DenseBatchBuilder(int rows, int columns) {
    this.rows = rows;
    this.columns = columns;
    this.labels = new OffHeapBuffer(4L * rows);
    this.values = new OffHeapBuffer(4L * rows * columns);
    this.labelView = labels.bytes().asFloatBuffer();
    this.valueView = values.bytes().asFloatBuffer();
    for (int i = 0, n = rows * columns; i < n; i++) {
      valueView.put(i, Float.NaN);
    }
  }

  public void label(int row, float value) {
    labelView.put(row, value);
  }

  /** Sets one feature; {@code NaN} is missing. */
  public void value(int row, int column, float value) {
    if (!Float.isNaN(value)) {
      present++;
    }
    valueView.put(row * columns + column, value);
  }

  /** The batch; the builder hands over its memory. */
  public Batch build() {
    Batch batch = Batch.dense(rows, columns, present, labels, null, values);
    labels = null;
    values = null;
    return batch;
  }

  @Override
  public void close() {
    if (labels != null) {
      labels.close();
      values.close();
      labels = null;
      values = null;
    }
  }
}
