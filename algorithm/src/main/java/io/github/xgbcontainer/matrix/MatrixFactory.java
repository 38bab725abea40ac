package io.github.xgbcontainer.matrix;

import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.error.AlgorithmError;
import java.nio.FloatBuffer;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/** Builds xgboost4j matrices from parsed batches. */
public final class MatrixFactory {

  private MatrixFactory() {}

  /** A matrix of every row of the channel; {@code reference} is the training matrix for validation data. */
  public static DMatrix build(ChannelData data, MatrixOptions options, DMatrix reference) {
    long rows = data.rows();
    long nnz = data.batches().stream().mapToLong(Batch::nonMissing).sum();
    long[] indptr = new long[(int) rows + 1];
    int[] indices = new int[(int) nnz];
    float[] values = new float[(int) nnz];
    float[] labels = new float[(int) rows];
    float[] weights = data.hasWeights() ? new float[(int) rows] : null;
    int row = 0;
    int k = 0;
    for (Batch b : data.batches()) {
      FloatBuffer l = b.labels();
      FloatBuffer w = b.weights();
      FloatBuffer v = b.values();
      for (int r = 0; r < b.rows(); r++, row++) {
        labels[row] = l.get(r);
        if (weights != null) {
          weights[row] = w.get(r);
        }
        if (b.isDense()) {
          for (int c = 0; c < b.columns(); c++) {
            float x = v.get(r * b.columns() + c);
            if (!Float.isNaN(x)) {
              indices[k] = c;
              values[k++] = x;
            }
          }
        } else {
          for (long e = b.indptr().get(r); e < b.indptr().get(r + 1); e++) {
            indices[k] = b.indices().get((int) e);
            values[k++] = v.get((int) e);
          }
        }
        indptr[row + 1] = k;
      }
    }
    try {
      DMatrix m = new DMatrix(indptr, indices, values, DMatrix.SparseType.CSR, data.features(),
          options.missing(), options.nthread());
      m.setLabel(labels);
      if (weights != null) {
        m.setWeight(weights);
      }
      return m;
    } catch (XGBoostError e) {
      throw new AlgorithmError("cannot build the matrix of channel '" + data.channel() + "': " + e.getMessage(), e);
    }
  }
}
