package io.github.xgbcontainer.data;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.List;

/**
 * Copies chosen rows of a channel into a new one, for cross-validation folds. The copy is one
 * batch in the source's layout (dense or CSR), with the rows in the order given. When the source
 * has query groups, consecutive chosen rows of one source group form one group of the copy (folds
 * that take whole queries keep them whole).
 */
public final class RowSelection {

  private RowSelection() {}

  /**
   * @param source the channel to copy from
   * @param rows row numbers in the channel (0-based), in the order wanted
   * @param name the new channel's name, for messages
   * @return the rows, with the source's feature names (a fold's model is named as the whole model is)
   */
  public static ChannelData select(ChannelData source, int[] rows, String name) {
    List<Batch> batches = source.batches();
    long[] starts = new long[batches.size() + 1];
    for (int i = 0; i < batches.size(); i++) {
      starts[i + 1] = starts[i] + batches.get(i).rows();
    }
    boolean dense = batches.get(0).isDense();
    boolean weighted = source.hasWeights();
    int columns = source.features();
    float[] labels = new float[rows.length];
    float[] weights = weighted ? new float[rows.length] : null;
    for (int i = 0; i < rows.length; i++) {
      int b = batchOf(starts, rows[i]);
      int local = (int) (rows[i] - starts[b]);
      labels[i] = batches.get(b).labels().get(local);
      if (weighted) {
        weights[i] = batches.get(b).weights().get(local);
      }
    }
    if (dense) {
      float[] values = new float[Math.multiplyExact(rows.length, columns)];
      for (int i = 0; i < rows.length; i++) {
        int b = batchOf(starts, rows[i]);
        Batch batch = batches.get(b);
        int local = (int) (rows[i] - starts[b]);
        FloatBuffer v = batch.values();
        for (int c = 0; c < batch.columns(); c++) {
          values[i * columns + c] = v.get(local * batch.columns() + c);
        }
        for (int c = batch.columns(); c < columns; c++) {
          values[i * columns + c] = Float.NaN;
        }
      }
      return new ChannelData(name, List.of(Batch.ofDense(labels, weights, values, columns)), columns,
          source.featureNames(), groupsOf(source, rows));
    }
    long[] indptr = new long[rows.length + 1];
    for (int i = 0; i < rows.length; i++) {
      int b = batchOf(starts, rows[i]);
      LongBuffer ptr = batches.get(b).indptr();
      int local = (int) (rows[i] - starts[b]);
      indptr[i + 1] = indptr[i] + ptr.get(local + 1) - ptr.get(local);
    }
    int[] indices = new int[Math.toIntExact(indptr[rows.length])];
    float[] values = new float[indices.length];
    for (int i = 0; i < rows.length; i++) {
      int b = batchOf(starts, rows[i]);
      Batch batch = batches.get(b);
      int local = (int) (rows[i] - starts[b]);
      LongBuffer ptr = batch.indptr();
      IntBuffer idx = batch.indices();
      FloatBuffer val = batch.values();
      int at = (int) indptr[i];
      for (long e = ptr.get(local); e < ptr.get(local + 1); e++, at++) {
        indices[at] = idx.get((int) e);
        values[at] = val.get((int) e);
      }
    }
    return new ChannelData(name, List.of(Batch.ofSparse(labels, weights, indptr, indices, values, columns)), columns,
        source.featureNames(), groupsOf(source, rows));
  }

  /** The query group of every row of a channel (its index in {@link ChannelData#groups()}), or null without groups. */
  public static int[] groupOfRows(ChannelData data) {
    int[] groups = data.groups();
    if (groups == null) {
      return null;
    }
    int[] of = new int[Math.toIntExact(data.rows())];
    int row = 0;
    for (int g = 0; g < groups.length; g++) {
      for (int i = 0; i < groups[g]; i++) {
        of[row++] = g;
      }
    }
    return of;
  }

  private static int[] groupsOf(ChannelData source, int[] rows) {
    int[] of = groupOfRows(source);
    if (of == null || rows.length == 0) {
      return null;
    }
    int[] sizes = new int[rows.length];
    int count = 0;
    for (int i = 0; i < rows.length; i++) {
      if (i == 0 || of[rows[i]] != of[rows[i - 1]]) {
        count++;
      }
      sizes[count - 1]++;
    }
    return java.util.Arrays.copyOf(sizes, count);
  }

  /** All labels of a channel, in row order. */
  public static float[] labels(ChannelData data) {
    float[] labels = new float[Math.toIntExact(data.rows())];
    int at = 0;
    for (Batch b : data.batches()) {
      b.labels().get(0, labels, at, b.rows());
      at += b.rows();
    }
    return labels;
  }

  private static int batchOf(long[] starts, long row) {
    int lo = 0;
    int hi = starts.length - 2;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= row) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
