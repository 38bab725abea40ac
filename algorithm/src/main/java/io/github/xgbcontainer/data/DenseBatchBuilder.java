package io.github.xgbcontainer.data;

import java.nio.FloatBuffer;

/**
 * Fills a dense batch in place, off the heap, in any order (a columnar reader writes one column at
 * a time, maybe several columns at once from several threads), so a binary reader needs no heap
 * copy of its rows. Values not written stay missing. Values are written through
 * {@link #columnWriter()}s.
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

  /**
   * A writer for some of the columns, for one thread: several threads may fill different columns
   * of the same batch at once, each through a writer of its own. Call {@link ColumnWriter#finish()}
   * after its last value, and {@link #build()} only after every writer finished.
   */
  public ColumnWriter columnWriter() {
    return new ColumnWriter();
  }

  /** See {@link #columnWriter()}. */
  public final class ColumnWriter {

    private long written;

    private ColumnWriter() {}

    public void label(int row, float value) {
      labelView.put(row, value);
    }

    /** Sets one feature; {@code NaN} is missing. */
    public void value(int row, int column, float value) {
      if (!Float.isNaN(value)) {
        written++;
      }
      valueView.put(row * columns + column, value);
    }

    /** Adds this writer's count of present values to the batch. */
    public void finish() {
      synchronized (DenseBatchBuilder.this) {
        present += written;
      }
      written = 0;
    }
  }

  /** The batch; the builder hands over its memory. */
  public synchronized Batch build() {
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
