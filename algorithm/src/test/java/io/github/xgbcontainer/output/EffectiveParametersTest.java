package io.github.xgbcontainer.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.matrix.NativeShim;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class EffectiveParametersTest {

  /** 200 rows, 3 features, labels around 10: XGBoost estimates base_score from them. */
  private static Booster trained(Map<String, Object> params) throws Exception {
    int rows = 200;
    float[] values = new float[rows * 3];
    float[] labels = new float[rows];
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < rows; i++) {
      for (int f = 0; f < 3; f++) {
        values[i * 3 + f] = random.nextFloat();
      }
      labels[i] = 10 + 4 * values[i * 3];
    }
    DMatrix data = new DMatrix(values, rows, 3, Float.NaN);
    try {
      data.setLabel(labels);
      return XGBoost.train(data, params, 3, Map.of(), null, null);
    } finally {
      data.dispose();
    }
  }

  @Test
  void liveBooster_listsGivenValuesDefaultsAndTheEstimatedBaseScore() throws Exception {
    Assumptions.assumeTrue(NativeShim.available(), "the native shim is not built: " + NativeShim.unavailableReason());
    Booster booster = trained(Map.of("objective", "reg:squarederror", "eta", 0.25, "verbosity", 0));
    try {
      EffectiveParameters p = EffectiveParameters.of(booster);
      assertEquals("XGBoost's saved configuration", p.source());
      assertEquals("0.25", p.values().get("eta"));
      assertEquals("6", p.values().get("max_depth"), "XGBoost's default");
      assertEquals("reg:squarederror", p.values().get("objective"));
      String baseScore = p.values().get("base_score").replaceAll("[\\[\\]]", "");
      assertEquals(12.0, Double.parseDouble(baseScore), 0.5, "estimated from labels 10..14: " + baseScore);
      assertTrue(p.json().contains("\"learner\""));
    } finally {
      booster.dispose();
    }
  }

  @Test
  void flatten_keepsLeavesByNameAndRepeatedNamesByPath() {
    Map<String, String> v = EffectiveParameters.fromConfig("{\"learner\": {\"a\": {\"eta\": \"0.3\", \"name\": \"x\"},"
        + " \"b\": {\"name\": \"y\"}, \"metrics\": [{\"name\": \"rmse\"}, {\"name\": \"mae\"}],"
        + " \"updater\": [{\"name\": \"hist\", \"p\": {\"max_bin\": \"256\"}}], \"list\": [1, 2]}, \"version\": [3, 4, 0]}");
    assertEquals(Map.of("eta", "0.3", "a.name", "x", "b.name", "y", "metrics", "rmse, mae",
        "updater.hist.name", "hist", "max_bin", "256", "list", "1, 2"), v);
  }
}
