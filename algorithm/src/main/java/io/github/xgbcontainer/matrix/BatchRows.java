package io.github.xgbcontainer.matrix;

import io.github.xgbcontainer.data.Batch;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import ml.dmlc.xgboost4j.LabeledPoint;

/**
 * The rows of a channel as xgboost4j {@link LabeledPoint}s, read straight from the off-heap batches,
 * so the plain path never holds a second copy of the channel on the heap: xgboost4j packs 32k
 * points at a time and appends them to the native matrix.
 */
final class BatchRows implements Iterator<LabeledPoint> {

  private final List<Batch> batches;
  private final int features;
  private int batchIndex = -1;
  private int row;
  private Batch batch;
  private FloatBuffer labels;
  private FloatBuffer weights;
  private FloatBuffer values;
  private LongBuffer indptr;
  private IntBuffer indices;

  BatchRows(List<Batch> batches, int features) {
    this.batches = batches;
    this.features = features;
    advance();
  }

  private void advance() {
    do {
      batchIndex++;
      row = 0;
      batch = batchIndex < batches.size() ? batches.get(batchIndex) : null;
    } while (batch != null && batch.rows() == 0);
    if (batch != null) {
      labels = batch.labels();
      weights = batch.weights();
      values = batch.values();
      indptr = batch.indptr();
      indices = batch.indices();
    }
  }

  @Override
  public boolean hasNext() {
    return batch != null;
  }

  @Override
  public LabeledPoint next() {
    if (batch == null) {
      throw new NoSuchElementException();
    }
    float label = labels.get(row);
    float weight = weights == null ? 1f : weights.get(row);
    LabeledPoint point;
    if (indptr == null) {
      int columns = batch.columns();
      float[] dense = new float[columns];
      values.get(row * columns, dense);
      // Dense points keep NaN; the matrix is built with missing = NaN and drops them.
      point = new LabeledPoint(label, features, null, dense, weight);
    } else {
      int start = (int) indptr.get(row);
      int length = (int) (indptr.get(row + 1) - start);
      int[] idx = new int[length];
      float[] val = new float[length];
      indices.get(start, idx);
      values.get(start, val);
      point = new LabeledPoint(label, features, idx, val, weight);
    }
    if (++row == batch.rows()) {
      advance();
    }
    return point;
  }
}
