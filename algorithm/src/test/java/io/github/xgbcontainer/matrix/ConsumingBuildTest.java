package io.github.xgbcontainer.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.ChannelData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.Test;

/**
 * {@link MatrixFactory#buildConsuming} against the native library: the passes XGBoost makes over the
 * batches are the ones the shim's early release assumes (xgbc_shim.c, consume_plan), so an XGBoost
 * that reads the data differently fails here, and a matrix whose values were released during the
 * build trains, evaluates and predicts exactly as one built with them kept.
 */
class ConsumingBuildTest {

  private static final int FEATURES = 5;
  private static final MatrixOptions QUANTILE = new MatrixOptions(Float.NaN, 256, 1, true);

  private final MatrixFactory factory = new MatrixFactory();

  /** Dense rows, every value present unless {@code holes} marks one missing; copies make channels. */
  private record Rows(float[] labels, float[] weights, float[] values) {

    static Rows generate(int n, long seed, boolean weighted) {
      Random random = new Random(seed);
      float[] labels = new float[n];
      float[] weights = weighted ? new float[n] : null;
      float[] values = new float[n * FEATURES];
      for (int i = 0; i < n; i++) {
        float sum = 0;
        for (int j = 0; j < FEATURES; j++) {
          float v = Math.round((random.nextFloat() * 10 - 5) * 100) / 100f;
          values[i * FEATURES + j] = v;
          sum += v * (j % 2 == 0 ? 1 : -0.5f);
        }
        labels[i] = sum + (float) random.nextGaussian() * 0.1f;
        if (weighted) {
          weights[i] = 0.5f + random.nextFloat() * 2;
        }
      }
      return new Rows(labels, weights, values);
    }

    /** The same rows with every {@code from} replaced by {@code to}. */
    Rows replacing(float from, float to) {
      float[] changed = values.clone();
      for (int i = 0; i < changed.length; i++) {
        if (changed[i] == from) {
          changed[i] = to;
        }
      }
      return new Rows(labels, weights, changed);
    }

    Rows with(int index, float value) {
      float[] changed = values.clone();
      changed[index] = value;
      return new Rows(labels, weights, changed);
    }

    /** A fresh channel of these rows in batches of at most {@code size} rows, dense or CSR. */
    ChannelData channel(String name, int size, boolean sparse) {
      List<Batch> batches = new ArrayList<>();
      for (int start = 0; start < labels.length; start += size) {
        int end = Math.min(labels.length, start + size);
        float[] l = Arrays.copyOfRange(labels, start, end);
        float[] w = weights == null ? null : Arrays.copyOfRange(weights, start, end);
        float[] v = Arrays.copyOfRange(values, start * FEATURES, end * FEATURES);
        batches.add(sparse ? csr(l, w, v) : Batch.ofDense(l, w, v, FEATURES));
      }
      return new ChannelData(name, batches, FEATURES);
    }

    private static Batch csr(float[] l, float[] w, float[] v) {
      long[] indptr = new long[l.length + 1];
      for (int i = 0; i < l.length; i++) {
        indptr[i + 1] = (long) (i + 1) * FEATURES;
      }
      int[] indices = new int[v.length];
      for (int k = 0; k < v.length; k++) {
        indices[k] = k % FEATURES;
      }
      return Batch.ofSparse(l, w, indptr, indices, v, FEATURES);
    }
  }

  private static void assumeShim() {
    assumeTrue(NativeShim.available(), () -> "shim unavailable: " + NativeShim.unavailableReason());
  }

  private static Map<String, Object> hist() {
    Map<String, Object> params = new HashMap<>();
    params.put("tree_method", "hist");
    params.put("max_depth", 4);
    params.put("eta", 0.3);
    params.put("objective", "reg:squarederror");
    params.put("nthread", 1);
    params.put("seed", 0);
    params.put("verbosity", 0);
    return params;
  }

  private static byte[] model(DMatrix dtrain) throws XGBoostError {
    Booster booster = XGBoost.train(dtrain, hist(), 8, Map.of(), null, null);
    try {
      return booster.toByteArray("ubj");
    } finally {
      booster.dispose();
    }
  }

  /**
   * Builds {@code rows} twice, kept and consumed, asserts the consumed build's passes, that its
   * values are gone and its labels and weights are not, and that both train the same model.
   */
  private void assertConsumedTrainsTheSameModel(Rows rows, int batchRows, boolean sparse, MatrixOptions options,
      int releasedFrom) throws XGBoostError {
    assumeShim();
    try (ChannelData kept = rows.channel("train", batchRows, sparse);
        ChannelData consumed = rows.channel("train", batchRows, sparse)) {
      DMatrix reference = factory.build(kept, options, null);
      DMatrix matrix = factory.buildConsuming(consumed, options);
      try {
        QuantileMatrix q = assertInstanceOf(QuantileMatrix.class, matrix);
        assertEquals(4, q.passes(), "XGBoost's passes over the batches without a reference matrix");
        assertEquals(releasedFrom, q.releasedFrom());
        assertEquals(releasedFrom > 0 ? "parsed values released from XGBoost's pass 3 of 4"
            : "parsed values released after the build", MatrixFactory.releaseNote(matrix));
        for (Batch batch : consumed.batches()) {
          IllegalStateException e = assertThrows(IllegalStateException.class, batch::values);
          assertEquals("buffer already released", e.getMessage());
        }
        Batch last = consumed.batches().get(consumed.batches().size() - 1);
        float[] labels = new float[last.rows()];
        last.labels().get(labels);
        assertArrayEquals(Arrays.copyOfRange(rows.labels(), rows.labels().length - last.rows(), rows.labels().length),
            labels);
        if (rows.weights() != null) {
          assertEquals(rows.weights()[rows.weights().length - 1], last.weights().get(last.rows() - 1));
        }
        assertArrayEquals(model(reference), model(matrix));
      } finally {
        matrix.dispose();
        reference.dispose();
      }
    }
  }

  @Test
  void buildConsuming_denseWithoutMissingReleasesValuesFromPassThreeOfFour() throws XGBoostError {
    assertConsumedTrainsTheSameModel(Rows.generate(3000, 1, false), 640, false, QUANTILE, 3);
  }

  @Test
  void buildConsuming_weightedRowsKeepTheirWeightsThroughTheRelease() throws XGBoostError {
    assertConsumedTrainsTheSameModel(Rows.generate(3000, 2, true), 640, false, QUANTILE, 3);
  }

  @Test
  void buildConsuming_oneBatchTakesItsLabelsFromTheLastPass() throws XGBoostError {
    // With one batch XGBoost moves the proxy's labels in after the column pass, from the buffers
    // that must therefore outlive the values.
    assertConsumedTrainsTheSameModel(Rows.generate(2000, 3, true), 5000, false, QUANTILE, 3);
  }

  @Test
  void buildConsuming_keepsValuesDuringTheBuildWhereOneIsMissing() throws XGBoostError {
    assertConsumedTrainsTheSameModel(Rows.generate(3000, 4, false).with(2999 * FEATURES + 2, Float.NaN), 640,
        false, QUANTILE, 0);
  }

  @Test
  void buildConsuming_keepsValuesDuringTheBuildWhereOneEqualsTheMissingValue() throws XGBoostError {
    MatrixOptions zeroMissing = new MatrixOptions(0f, 256, 1, true);
    Rows withoutZeros = Rows.generate(3000, 5, false).replacing(0f, 0.25f);
    assertConsumedTrainsTheSameModel(withoutZeros.with(17, 0f), 640, false, zeroMissing, 0);
    assertConsumedTrainsTheSameModel(withoutZeros, 640, false, zeroMissing, 3);
  }

  @Test
  void buildConsuming_keepsCsrValuesDuringTheBuild() throws XGBoostError {
    assertConsumedTrainsTheSameModel(Rows.generate(3000, 6, false), 640, true, QUANTILE, 0);
  }

  @Test
  void quantile_withReferenceReleasesValuesFromPassTwoOfThree() throws XGBoostError {
    assumeShim();
    Rows trainRows = Rows.generate(3000, 7, false);
    Rows validRows = Rows.generate(900, 8, true).replacing(0f, 0.25f);
    try (ChannelData train = trainRows.channel("train", 640, false);
        ChannelData keptValidation = validRows.channel("validation", 450, false);
        ChannelData consumedValidation = validRows.channel("validation", 450, false)) {
      DMatrix dtrain = factory.build(train, QUANTILE, null);
      DMatrix kept = factory.build(keptValidation, QUANTILE, dtrain);
      QuantileMatrix consumed = MatrixFactory.quantile(consumedValidation, QUANTILE, dtrain.getHandle(), FEATURES,
          true);
      Booster booster = XGBoost.train(dtrain, hist(), 8, Map.of(), null, null);
      try {
        assertEquals(3, consumed.passes(), "XGBoost's passes over the batches with a reference matrix");
        assertEquals(2, consumed.releasedFrom());
        // quantile() leaves the buffers to its caller: the whole pages of values read as zeros now
        java.nio.FloatBuffer values = consumedValidation.batches().get(0).values();
        int zeros = 0;
        for (int i = 0; i < values.limit(); i++) {
          zeros += values.get(i) == 0f ? 1 : 0;
        }
        assertTrue(zeros >= 1024, zeros + " of " + values.limit() + " values released");
        assertEquals(booster.evalSet(new DMatrix[] {kept}, new String[] {"validation"}, 7),
            booster.evalSet(new DMatrix[] {consumed}, new String[] {"validation"}, 7));
        assertArrayEquals(booster.predict(kept), booster.predict(consumed));
      } finally {
        booster.dispose();
        consumed.dispose();
        kept.dispose();
        dtrain.dispose();
      }
    }
  }

  @Test
  void buildConsuming_plainPathFreesTheValuesAfterTheBuild() throws XGBoostError {
    MatrixOptions plain = new MatrixOptions(Float.NaN, 256, 1, false);
    Rows rows = Rows.generate(1000, 9, false);
    try (ChannelData kept = rows.channel("train", 300, false);
        ChannelData consumed = rows.channel("train", 300, false)) {
      DMatrix reference = factory.build(kept, plain, null);
      DMatrix matrix = factory.buildConsuming(consumed, plain);
      try {
        assertEquals(MatrixPath.PLAIN, MatrixFactory.pathOf(matrix));
        assertEquals("parsed values released after the build", MatrixFactory.releaseNote(matrix));
        assertThrows(IllegalStateException.class, () -> consumed.batches().get(0).values());
        assertArrayEquals(model(reference), model(matrix));
      } finally {
        matrix.dispose();
        reference.dispose();
      }
    }
  }
}
