package io.github.xgbcontainer.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The shim's flat prediction of a whole DMatrix against xgboost4j's {@code float[][]} on real trained
 * boosters: the same values, bit for bit, in the same shape, for the objectives whose outputs per row
 * differ (one probability, one per class, a class, one margin per class, a score).
 */
class PredictionsTest {

  private static final int ROWS = 300;
  private static final int FEATURES = 4;

  /** Rows whose label depends on the first two features; {@code classes} 0 for a regression target. */
  private static DMatrix data(int classes, long seed) throws XGBoostError {
    Random random = new Random(seed);
    float[] values = new float[ROWS * FEATURES];
    float[] labels = new float[ROWS];
    for (int i = 0; i < ROWS; i++) {
      for (int f = 0; f < FEATURES; f++) {
        values[i * FEATURES + f] = random.nextInt(10) == 0 ? Float.NaN : random.nextFloat();
      }
      float a = Float.isNaN(values[i * FEATURES]) ? 0.5f : values[i * FEATURES];
      float b = Float.isNaN(values[i * FEATURES + 1]) ? 0.5f : values[i * FEATURES + 1];
      float score = a + 0.5f * b + 0.3f * (float) random.nextGaussian();
      labels[i] = classes == 0 ? 10 * score : Math.min(classes - 1, Math.max(0, (int) (score * classes / 1.5f)));
    }
    DMatrix m = new DMatrix(values, ROWS, FEATURES, Float.NaN);
    m.setLabel(labels);
    return m;
  }

  /**
   * Trains with the matrix as a watch, so the booster holds a prediction cache for it (as the job's
   * metrics and report predict it), then checks the cached matrix and a fresh one, outputs and margins.
   */
  private static void assertSameAsXgboost4j(String objective, int classes, int expectedColumns,
      int expectedMarginColumns) throws XGBoostError {
    Assumptions.assumeTrue(NativeShim.available(), "the native shim is not built: " + NativeShim.unavailableReason());
    DMatrix train = data(classes, 1);
    DMatrix fresh = data(classes, 2);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("objective", objective);
    params.put("max_depth", 3);
    params.put("eta", 0.3);
    params.put("verbosity", 0);
    if (objective.startsWith("multi:")) {
      params.put("num_class", classes);
    }
    Booster booster = XGBoost.train(train, params, 5, Map.of("train", train), null, null);
    try {
      for (DMatrix m : List.of(train, fresh)) {
        for (boolean margin : new boolean[] {false, true}) {
          float[][] rows = booster.predict(m, margin, 0);
          Predictions flat = Predictions.of(booster, m, margin);
          String what = objective + (margin ? " margin" : " output") + (m == train ? " (cached)" : " (fresh)");
          assertEquals(ROWS, flat.rows(), what);
          assertEquals(margin ? expectedMarginColumns : expectedColumns, flat.columns(), what);
          assertEquals(rows[0].length, flat.columns(), what);
          assertArrayEquals(Predictions.flatten(rows).values(), flat.values(), what);
          for (int i = 0; i < ROWS; i++) {
            for (int c = 0; c < flat.columns(); c++) {
              assertEquals(Float.floatToIntBits(rows[i][c]), Float.floatToIntBits(flat.get(i, c)), what);
            }
          }
        }
      }
    } finally {
      booster.dispose();
      train.dispose();
      fresh.dispose();
    }
  }

  @Test
  void binaryLogistic_oneProbabilityOrMarginPerRow() throws XGBoostError {
    assertSameAsXgboost4j("binary:logistic", 2, 1, 1);
  }

  @Test
  void multiSoftprob_oneProbabilityOrMarginPerClass() throws XGBoostError {
    assertSameAsXgboost4j("multi:softprob", 3, 3, 3);
  }

  @Test
  void multiSoftmax_theClass_orOneMarginPerClass() throws XGBoostError {
    assertSameAsXgboost4j("multi:softmax", 3, 1, 3);
  }

  @Test
  void regression_oneScorePerRow() throws XGBoostError {
    assertSameAsXgboost4j("reg:squarederror", 0, 1, 1);
  }

  /** A matrix with more features than the model: XGBoost's own message, as xgboost4j passes it on. */
  @Test
  void xgboostRefusal_carriesXgboostsMessage() throws XGBoostError {
    Assumptions.assumeTrue(NativeShim.available(), "the native shim is not built: " + NativeShim.unavailableReason());
    DMatrix train = data(2, 1);
    DMatrix wide = new DMatrix(new float[ROWS * (FEATURES + 2)], ROWS, FEATURES + 2, Float.NaN);
    Booster booster = XGBoost.train(train, Map.of("objective", "binary:logistic", "verbosity", 0), 2, Map.of(),
        null, null);
    try {
      XGBoostError expected = assertThrows(XGBoostError.class, () -> booster.predict(wide, false, 0));
      XGBoostError e = assertThrows(XGBoostError.class, () -> Predictions.of(booster, wide, false));
      // the first line; the native stack trace after it names the entry point called
      String first = e.getMessage().lines().findFirst().orElse("");
      assertEquals(expected.getMessage().lines().findFirst().orElse(null), first);
      assertTrue(first.endsWith("Check failed: learner_model_param_.num_feature >= p_fmat->Info().num_col_ "
          + "(4 vs. 6) : Number of columns does not match number of features in booster."), first);
    } finally {
      booster.dispose();
      train.dispose();
      wide.dispose();
    }
  }

  @Test
  void flatten_keepsRowOrder_andShape() {
    Predictions p = Predictions.flatten(new float[][] {{1, 2, 3}, {4, 5, 6}});
    assertEquals(2, p.rows());
    assertEquals(3, p.columns());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, p.values());
    assertEquals(6f, p.get(1, 2));
    assertEquals(1, Predictions.flatten(new float[0][]).columns());
    assertEquals("7 values are not rows of 2",
        assertThrows(IllegalArgumentException.class, () -> new Predictions(new float[7], 2)).getMessage());
  }
}
