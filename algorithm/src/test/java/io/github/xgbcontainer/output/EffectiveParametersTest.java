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
  void withoutTheShim_theModelFileStillGivesObjectiveAndBaseScore() throws Exception {
    Booster booster = trained(Map.of("objective", "reg:squarederror", "verbosity", 0));
    try {
      Map<String, String> v = EffectiveParameters.fromModel(booster.toByteArray("json"));
      assertEquals("reg:squarederror", v.get("objective"));
      assertEquals("1", v.get("scale_pos_weight"));
      assertEquals("3", v.get("num_feature"));
      assertEquals(12.0, Double.parseDouble(v.get("base_score").replaceAll("[\\[\\]]", "")), 0.5);
    } finally {
      booster.dispose();
    }
  }

  @Test
  void evaluate_turnsSoftmaxMarginsIntoProbabilitiesAndReadsQueryBounds() throws Exception {
    int rows = 90;
    float[] values = new float[rows];
    float[] labels = new float[rows];
    for (int i = 0; i < rows; i++) {
      values[i] = i;
      labels[i] = i / 30;
    }
    DMatrix data = new DMatrix(values, rows, 1, Float.NaN);
    try {
      data.setLabel(labels);
      Booster booster = XGBoost.train(data, Map.of("objective", "multi:softmax", "num_class", 3, "verbosity", 0), 5,
          Map.of(), null, null);
      try {
        ModelEvaluation.Classification c = (ModelEvaluation.Classification) ModelOutputs.evaluate(booster, data,
            "multi:softmax", "train", java.util.List.of()).orElseThrow();
        // three separable bands of 30 rows: every one classified right
        assertEquals(java.util.List.of("0", "1", "2"), c.classes());
        for (int k = 0; k < 3; k++) {
          assertEquals(30, c.confusion()[k][k]);
          assertEquals(1.0, c.roc().get(k).area(), 1e-12);
        }
      } finally {
        booster.dispose();
      }
      data.setGroup(new int[] {30, 60});
      Booster ranker = XGBoost.train(data, Map.of("objective", "rank:ndcg", "verbosity", 0), 3, Map.of(), null, null);
      try {
        ModelEvaluation.Ranking r = (ModelEvaluation.Ranking) ModelOutputs.evaluate(ranker, data, "rank:ndcg",
            "train", java.util.List.of("map", "ndcg@3")).orElseThrow();
        assertEquals(2, r.queries(), "XGBoost's group pointer [0, 30, 90] read as two queries");
        assertEquals(java.util.OptionalInt.of(3), r.at());
      } finally {
        ranker.dispose();
      }
    } finally {
      data.dispose();
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
