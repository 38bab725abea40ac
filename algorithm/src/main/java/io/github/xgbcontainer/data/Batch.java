package io.github.xgbcontainer.data;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * A block of parsed rows held off the Java heap, in the layouts XGBoost's array interface reads
 * without a copy: dense row-major {@code float32} with {@code NaN} for missing values (CSV), or CSR
 * with {@code int64} row pointers, {@code int32} column indices and {@code float32} values (LibSVM).
 *
 * <p>Every buffer is direct and in native byte order. {@link #close()} frees the memory at once.
 *
 * <p>A dense batch may hold its values {@link #packed() packed} as short decimals, one to three
 * bytes a value ({@link PackedDecimals}): the native shim decodes them batch by batch as XGBoost
 * reads them, and {@link #values()} turns them back into floats, once, for any other reader.
 */
public final class Batch implements AutoCloseable {

  private final int rows;
  private final int columns;
  private final long nonMissing;
  private final OffHeapBuffer labels;
  private final OffHeapBuffer weights;
  /** The floats, or, while {@link #packing} is set, the packed values. */
  private OffHeapBuffer values;
  private PackedDecimals packing;
  private final OffHeapBuffer indptr;
  private final OffHeapBuffer indices;
  private final QueryRuns queries;

  private Batch(int rows, int columns, long nonMissing, OffHeapBuffer labels, OffHeapBuffer weights,
      OffHeapBuffer values, OffHeapBuffer indptr, OffHeapBuffer indices) {
    this(rows, columns, nonMissing, labels, weights, values, indptr, indices, null, null);
  }

  private Batch(int rows, int columns, long nonMissing, OffHeapBuffer labels, OffHeapBuffer weights,
      OffHeapBuffer values, OffHeapBuffer indptr, OffHeapBuffer indices, QueryRuns queries,
      PackedDecimals packing) {
    this.rows = rows;
    this.columns = columns;
    this.nonMissing = nonMissing;
    this.labels = labels;
    this.weights = weights;
    this.values = values;
    this.indptr = indptr;
    this.indices = indices;
    this.queries = queries;
    this.packing = packing;
  }

  /** The same rows with their query ids; the batch hands over its memory to the new one. */
  Batch withQueries(QueryRuns queries) {
    if (queries != null && queries.firstRows()[queries.count() - 1] >= rows) {
      throw new IllegalArgumentException("a query run starts at row " + queries.firstRows()[queries.count() - 1]
          + " of a batch of " + rows);
    }
    return new Batch(rows, columns, nonMissing, labels, weights, values, indptr, indices, queries, packing);
  }

  /**
   * The same rows with the feature values packed as short decimals ({@link PackedDecimals}), this
   * batch's floats freed; this batch itself when it is CSR, already packed, or holds a value that
   * is not a short decimal.
   */
  public Batch packed() {
    if (!isDense() || packing != null) {
      return this;
    }
    PackedDecimals.Packed packed = PackedDecimals.pack(values(), rows * columns);
    if (packed == null) {
      return this;
    }
    values.close();
    return new Batch(rows, columns, nonMissing, labels, weights, packed.bytes(), null, null, queries, packed.format());
  }

  /** Whether the feature values are held packed ({@link #packed()}) rather than as floats. */
  public synchronized boolean isPacked() {
    return packing != null;
  }

  /**
   * The packed feature values, {@code rows * columns} of {@link #packingCode()}'s width, row-major;
   * {@code null} when the values are floats.
   */
  public synchronized ByteBuffer packedValues() {
    return packing == null ? null : values.bytes();
  }

  /** How the values are packed, as the native shim reads it (width in the high byte, fraction in the low one); 0 for floats. */
  public synchronized int packingCode() {
    return packing == null ? 0 : packing.code();
  }

  /** The bytes the feature values take in memory, packed or not. */
  public synchronized long valueBytes() {
    return values.bytes().capacity();
  }

  /** The query ids of the rows (learning to rank), or {@code null} when the rows have none. */
  QueryRuns queries() {
    return queries;
  }

  /** A dense batch: {@code values} holds {@code rows * columns} floats, row-major. */
  static Batch dense(int rows, int columns, long nonMissing, OffHeapBuffer labels,
      OffHeapBuffer weights, OffHeapBuffer values) {
    return new Batch(rows, columns, nonMissing, labels, weights, values, null, null);
  }

  /** A CSR batch: {@code indptr} holds {@code rows + 1} longs; {@code indices} and {@code values} hold {@code indptr[rows]} entries. */
  static Batch sparse(int rows, int columns, OffHeapBuffer labels, OffHeapBuffer weights,
      OffHeapBuffer values, OffHeapBuffer indptr, OffHeapBuffer indices) {
    long nnz = indptr.bytes().asLongBuffer().get(rows);
    return new Batch(rows, columns, nnz, labels, weights, values, indptr, indices);
  }

  /** A dense batch copied from heap arrays; {@code weights} may be {@code null}. */
  public static Batch ofDense(float[] labels, float[] weights, float[] values, int columns) {
    int rows = labels.length;
    if ((long) rows * columns != values.length) {
      throw new IllegalArgumentException(values.length + " values are not " + rows + " rows of " + columns);
    }
    long present = 0;
    for (float v : values) {
      if (!Float.isNaN(v)) {
        present++;
      }
    }
    return dense(rows, columns, present, floats(labels), weights == null ? null : floats(weights), floats(values));
  }

  /**
   * A dense batch copied from the first {@code rows} labels and {@code rows * columns} values of
   * heap arrays a reader reuses from batch to batch; {@code weights} may be {@code null}.
   */
  public static Batch ofDense(float[] labels, float[] weights, float[] values, int rows, int columns) {
    int n = rows * columns;
    long present = 0;
    for (int i = 0; i < n; i++) {
      if (!Float.isNaN(values[i])) {
        present++;
      }
    }
    return dense(rows, columns, present, floats(labels, rows), weights == null ? null : floats(weights, rows),
        floats(values, n));
  }

  private static OffHeapBuffer floats(float[] data, int length) {
    OffHeapBuffer buffer = new OffHeapBuffer(4L * length);
    buffer.bytes().asFloatBuffer().put(data, 0, length);
    return buffer;
  }

  /** A CSR batch copied from heap arrays; {@code weights} may be {@code null}. */
  public static Batch ofSparse(float[] labels, float[] weights, long[] indptr, int[] indices,
      float[] values, int columns) {
    OffHeapBuffer ptr = new OffHeapBuffer(8L * indptr.length);
    ptr.bytes().asLongBuffer().put(indptr);
    OffHeapBuffer idx = new OffHeapBuffer(4L * indices.length);
    idx.bytes().asIntBuffer().put(indices);
    return sparse(labels.length, columns, floats(labels), weights == null ? null : floats(weights),
        floats(values), ptr, idx);
  }

  private static OffHeapBuffer floats(float[] data) {
    OffHeapBuffer buffer = new OffHeapBuffer(4L * data.length);
    buffer.bytes().asFloatBuffer().put(data);
    return buffer;
  }

  /** The same rows with every instance weight 1, for a channel whose other batches carry weights. */
  Batch withUnitWeights() {
    if (weights != null) {
      return this;
    }
    OffHeapBuffer ones = new OffHeapBuffer(4L * rows);
    FloatBuffer view = ones.bytes().asFloatBuffer();
    for (int i = 0; i < rows; i++) {
      view.put(i, 1f);
    }
    return new Batch(rows, columns, nonMissing, labels, ones, values, indptr, indices, queries, packing);
  }

  /** The same rows as CSR, missing ({@code NaN}) values dropped; a sparse batch is copied as is. */
  Batch toSparse() {
    FloatBuffer labelView = labels();
    float[] labelCopy = new float[rows];
    labelView.get(labelCopy);
    float[] weightCopy = null;
    if (weights != null) {
      weightCopy = new float[rows];
      weights().get(weightCopy);
    }
    if (!isDense()) {
      long[] ptr = new long[rows + 1];
      indptr().get(ptr);
      int[] idx = new int[(int) nonMissing];
      indices().get(idx);
      float[] val = new float[(int) nonMissing];
      values().get(val);
      return ofSparse(labelCopy, weightCopy, ptr, idx, val, columns).withQueries(queries);
    }
    FloatBuffer dense = values();
    long[] ptr = new long[rows + 1];
    int[] idx = new int[(int) nonMissing];
    float[] val = new float[(int) nonMissing];
    int k = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        float v = dense.get(r * columns + c);
        if (!Float.isNaN(v)) {
          idx[k] = c;
          val[k++] = v;
        }
      }
      ptr[r + 1] = k;
    }
    return ofSparse(labelCopy, weightCopy, ptr, idx, val, columns).withQueries(queries);
  }

  /** Moves one of a batch's buffers elsewhere; {@code part} names it: labels, weights, values, indptr, indices. */
  interface Mover {
    OffHeapBuffer move(String part, OffHeapBuffer buffer);
  }

  /**
   * The same rows in buffers {@code mover} makes from this batch's (a {@link BatchCache} writes each
   * to its file and returns a view of the mapping); this batch's memory is freed.
   */
  Batch moved(Mover mover) {
    values();
    Batch moved = new Batch(rows, columns, nonMissing, mover.move("labels", labels),
        weights == null ? null : mover.move("weights", weights), mover.move("values", values),
        indptr == null ? null : mover.move("indptr", indptr), indices == null ? null : mover.move("indices", indices),
        queries, null);
    close();
    return moved;
  }

  /** Number of rows. */
  public int rows() {
    return rows;
  }

  /** Dense: the feature count. Sparse: one more than the largest feature index in this batch. */
  public int columns() {
    return columns;
  }

  /** Number of stored (non-missing) feature values. */
  public long nonMissing() {
    return nonMissing;
  }

  /** Whether the features are dense row-major; otherwise CSR. */
  public boolean isDense() {
    return indptr == null;
  }

  /** Whether rows carry instance weights. */
  public boolean hasWeights() {
    return weights != null;
  }

  /** The labels, one per row. */
  public FloatBuffer labels() {
    return labels.bytes().asFloatBuffer();
  }

  /** The instance weights, one per row; {@code null} when the data has none. */
  public FloatBuffer weights() {
    return weights == null ? null : weights.bytes().asFloatBuffer();
  }

  /**
   * Dense: {@code rows * columns} values. Sparse: the CSR values. Packed values are turned back into
   * floats on the first call, and stay floats.
   */
  public synchronized FloatBuffer values() {
    if (packing != null) {
      OffHeapBuffer floats = new OffHeapBuffer(4L * rows * columns);
      packing.unpack(values.bytes(), rows * columns, floats.bytes().asFloatBuffer());
      values.close();
      values = floats;
      packing = null;
    }
    return values.bytes().asFloatBuffer();
  }

  /** CSR row pointers ({@code rows + 1}); {@code null} for a dense batch. */
  public LongBuffer indptr() {
    return indptr == null ? null : indptr.bytes().asLongBuffer();
  }

  /** CSR column indices; {@code null} for a dense batch. */
  public IntBuffer indices() {
    return indices == null ? null : indices.bytes().asIntBuffer();
  }

  /**
   * Frees the feature values (and a CSR batch's indices) once a matrix has been built from them,
   * keeping the labels and weights, which the caller still reads; {@link #values()} then throws.
   */
  public synchronized void releaseFeatures() {
    values.close();
    if (indptr != null) {
      indptr.close();
      indices.close();
    }
  }

  @Override
  public synchronized void close() {
    labels.close();
    values.close();
    if (weights != null) {
      weights.close();
    }
    if (indptr != null) {
      indptr.close();
      indices.close();
    }
  }
}
