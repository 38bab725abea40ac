package io.github.xgbcontainer.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.matrix.TestChannels.Rows;
import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.UserError;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.Test;

class MatrixFactoryTest {

  private static final int FEATURES = 6;
  private static final MatrixOptions QUANTILE = new MatrixOptions(Float.NaN, 256, 1, true);
  private static final MatrixOptions PLAIN = new MatrixOptions(Float.NaN, 256, 1, false);

  private final MatrixFactory factory = new MatrixFactory();

  private static void assumeShim() {
    assumeTrue(NativeShim.available(), () -> "shim unavailable: " + NativeShim.unavailableReason());
  }

  private static Map<String, Object> hist() {
    return TestChannels.hist();
  }

  /** Trains on train, evaluates on validation, predicts the test rows; returns predictions and model. */
  private record Outcome(float[] predictions, String evaluation, byte[] model) {}

  private Outcome train(ChannelData train, ChannelData validation, MatrixOptions options,
      DMatrix test) throws XGBoostError {
    DMatrix dtrain = factory.build(train, options, null);
    DMatrix dvalid = factory.build(validation, options, dtrain);
    try {
      Booster booster = XGBoost.train(dtrain, hist(), 10, Map.of(), null, null);
      try {
        String evaluation = booster.evalSet(new DMatrix[] {dtrain, dvalid},
            new String[] {"train", "validation"}, 9);
        float[][] predictions = booster.predict(test);
        float[] flat = new float[predictions.length];
        for (int i = 0; i < flat.length; i++) {
          flat[i] = predictions[i][0];
        }
        return new Outcome(flat, evaluation, booster.toByteArray("json"));
      } finally {
        booster.dispose();
      }
    } finally {
      dvalid.dispose();
      dtrain.dispose();
    }
  }

  private void assertPathsAgree(boolean sparse, boolean weighted) throws XGBoostError {
    assumeShim();
    Rows trainRows = Rows.someMissing(FEATURES, 3000, 1, weighted);
    Rows validRows = Rows.someMissing(FEATURES, 700, 2, weighted);
    Rows testRows = Rows.someMissing(FEATURES, 500, 3, false);
    try (ChannelData train = trainRows.channel("train", 640, sparse);
        ChannelData validation = validRows.channel("validation", 300, sparse)) {
      DMatrix test = new DMatrix(testRows.values(), 500, FEATURES, Float.NaN);
      try {
        Outcome quantile = train(train, validation, QUANTILE, test);
        Outcome plain = train(train, validation, PLAIN, test);
        assertEquals(plain.evaluation(), quantile.evaluation());
        assertArrayEquals(plain.predictions(), quantile.predictions(), 1e-6f);
        assertArrayEquals(plain.model(), quantile.model());
      } finally {
        test.dispose();
      }
    }
  }

  @Test
  void build_denseQuantileAndPlainTrainTheSameModel() throws XGBoostError {
    assertPathsAgree(false, false);
  }

  @Test
  void build_denseWeightedQuantileAndPlainTrainTheSameModel() throws XGBoostError {
    assertPathsAgree(false, true);
  }

  @Test
  void build_sparseQuantileAndPlainTrainTheSameModel() throws XGBoostError {
    assertPathsAgree(true, false);
  }

  @Test
  void build_sparseWeightedQuantileAndPlainTrainTheSameModel() throws XGBoostError {
    assertPathsAgree(true, true);
  }

  @Test
  void build_plainCarriesLabelsWeightsAndRowCount() throws XGBoostError {
    Rows rows = Rows.someMissing(FEATURES, 1000, 4, true);
    try (ChannelData data = rows.channel("train", 300, false)) {
      DMatrix matrix = factory.build(data, PLAIN, null);
      try {
        assertEquals(MatrixPath.PLAIN, MatrixFactory.pathOf(matrix));
        assertEquals(1000, matrix.rowNum());
        assertArrayEquals(rows.labels(), matrix.getLabel());
        assertArrayEquals(rows.weights(), matrix.getWeight());
      } finally {
        matrix.dispose();
      }
    }
  }

  @Test
  void build_quantileCarriesLabelsWeightsAndRowCount() throws XGBoostError {
    assumeShim();
    Rows rows = Rows.someMissing(FEATURES, 1000, 5, true);
    try (ChannelData data = rows.channel("train", 300, true)) {
      DMatrix matrix = factory.build(data, QUANTILE, null);
      try {
        assertEquals(MatrixPath.QUANTILE, MatrixFactory.pathOf(matrix));
        assertEquals(1000, matrix.rowNum());
        assertArrayEquals(rows.labels(), matrix.getLabel());
        assertArrayEquals(rows.weights(), matrix.getWeight());
      } finally {
        matrix.dispose();
      }
    }
  }

  /**
   * Every row has the same features, so no tree can split and the model predicts the weighted
   * mean of the labels: 0 with weight 1 and 10 with weight 3 give 7.5 (unweighted: 5).
   */
  @Test
  void build_quantileWeightsShapeTraining() throws XGBoostError {
    assumeShim();
    int n = 400;
    float[] labels = new float[n];
    float[] weights = new float[n];
    float[] values = new float[n * FEATURES];
    Arrays.fill(values, 1f);
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2 == 0 ? 0f : 10f;
      weights[i] = i % 2 == 0 ? 1f : 3f;
    }
    List<Batch> batches = List.of(
        Batch.ofDense(Arrays.copyOf(labels, 150), Arrays.copyOf(weights, 150),
            Arrays.copyOf(values, 150 * FEATURES), FEATURES),
        Batch.ofDense(Arrays.copyOfRange(labels, 150, n), Arrays.copyOfRange(weights, 150, n),
            Arrays.copyOfRange(values, 150 * FEATURES, n * FEATURES), FEATURES));
    try (ChannelData data = new ChannelData("train", batches, FEATURES)) {
      DMatrix matrix = factory.build(data, QUANTILE, null);
      try {
        Booster booster = XGBoost.train(matrix, hist(), 20, Map.of(), null, null);
        float prediction = booster.predict(matrix)[0][0];
        booster.dispose();
        assertEquals(7.5f, prediction, 1e-3f);
      } finally {
        matrix.dispose();
      }
    }
  }

  @Test
  void dispose_freesTheQuantileMatrixOnce() throws XGBoostError {
    assumeShim();
    try (ChannelData data = Rows.someMissing(FEATURES, 100, 6, false).channel("train", 40, false)) {
      DMatrix matrix = factory.build(data, QUANTILE, null);
      assertNotEquals(0, matrix.getHandle());
      matrix.dispose();
      assertEquals(0, matrix.getHandle());
      matrix.dispose();
    }
  }

  @Test
  void build_rejectsValidationWithOtherColumnsThanTraining() throws XGBoostError {
    assumeShim();
    Rows rows = Rows.someMissing(FEATURES, 200, 7, false);
    float[] narrow = new float[200 * (FEATURES - 1)];
    try (ChannelData train = rows.channel("train", 100, false);
        ChannelData validation = new ChannelData("validation",
            List.of(Batch.ofDense(rows.labels(), null, narrow, FEATURES - 1)), FEATURES - 1)) {
      DMatrix dtrain = factory.build(train, QUANTILE, null);
      try {
        UserError e = assertThrows(UserError.class,
            () -> factory.build(validation, QUANTILE, dtrain));
        assertEquals("channel 'validation' has 5 features but the training data has 6, perhaps you"
            + " should give both channels the same columns", e.getMessage());
      } finally {
        dtrain.dispose();
      }
    }
  }

  @Test
  void quantile_reportsXGBoostsMessageWhenTheReferenceDoesNotFit() throws XGBoostError {
    assumeShim();
    Rows rows = Rows.someMissing(FEATURES, 200, 8, false);
    float[] narrow = new float[200 * (FEATURES - 1)];
    try (ChannelData train = rows.channel("train", 100, false);
        ChannelData validation = new ChannelData("validation",
            List.of(Batch.ofDense(rows.labels(), null, narrow, FEATURES - 1)), FEATURES - 1)) {
      DMatrix dtrain = factory.build(train, QUANTILE, null);
      try {
        AlgorithmError e = assertThrows(AlgorithmError.class,
            () -> MatrixFactory.quantile(validation, QUANTILE, dtrain.getHandle(), FEATURES - 1, false));
        String message = e.getMessage();
        assertTrue(message.startsWith("channel 'validation': building the quantile matrix: ["),
            message);
        assertTrue(message.endsWith("Check failed: ref->Info().num_col_ == n_features (6 vs. 5) :"
            + " Invalid ref DMatrix, different number of features."), message);
      } finally {
        dtrain.dispose();
      }
    }
  }

  @Test
  void build_rejectsAnEmptyChannel() {
    UserError e = assertThrows(UserError.class,
        () -> factory.build(new ChannelData("train", List.of(), 0), PLAIN, null));
    assertEquals("channel 'train' has no rows, perhaps you should check that its files are not"
        + " empty", e.getMessage());
  }

  @Test
  void plan_takesThePlainPathWhenQuantileIsNotAllowed() {
    assertEquals(MatrixPath.PLAIN, factory.plan(PLAIN));
    if (NativeShim.available()) {
      assertEquals(MatrixPath.QUANTILE, factory.plan(QUANTILE));
      assertNull(factory.quantileUnavailableReason());
    }
  }

  @Test
  void config_writesNaNAndNumbersAsXGBoostReadsThem() {
    assertEquals("{\"missing\":NaN,\"nthread\":1,\"max_bin\":256}", MatrixFactory.config(QUANTILE));
    assertEquals("{\"missing\":-999.0,\"nthread\":0,\"max_bin\":64}",
        MatrixFactory.config(new MatrixOptions(-999f, 64, 0, true)));
  }

  @Test
  void options_rejectOneBin() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MatrixOptions(Float.NaN, 1, 0, true));
    assertEquals("max_bin must be at least 2, got 1", e.getMessage());
  }
}
