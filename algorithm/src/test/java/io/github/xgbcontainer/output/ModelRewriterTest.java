package io.github.xgbcontainer.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real xgboost4j models rewritten for older loaders: xgboost4j itself must predict the same on
 * the rewritten file (the model {@code serve} loads), and the document must hold what XGBoost 1.7
 * reads. That 1.7 then predicts the same is {@code PythonCompatibilityIT}'s part.
 */
class ModelRewriterTest {

  private static final int ROWS = 300;
  private static final int FEATURES = 5;

  private DMatrix data;
  private float[] target;

  @BeforeEach
  void data() throws XGBoostError {
    Random random = new Random(11);
    float[] values = new float[ROWS * FEATURES];
    target = new float[ROWS];
    for (int r = 0; r < ROWS; r++) {
      for (int f = 0; f < FEATURES; f++) {
        values[r * FEATURES + f] = random.nextFloat();
      }
      target[r] = 10 + 4 * values[r * FEATURES] + values[r * FEATURES + 1] + 0.1f * (float) random.nextGaussian();
    }
    data = new DMatrix(values, ROWS, FEATURES, Float.NaN);
  }

  @AfterEach
  void dispose() {
    data.dispose();
  }

  @Test
  void regression_baseScoreBecomesTheScalarOf3x_andNothingElseChanges() throws Exception {
    data.setLabel(target);
    byte[] model = train(Map.of("objective", "reg:squarederror"));
    Map<String, Object> before = learner(model);
    String vector = (String) param(before).get("base_score");
    assertTrue(vector.matches("\\[[-0-9.E]+\\]"), vector);

    byte[] portable = ModelRewriter.portable(model);
    assertEquals(vector.substring(1, vector.length() - 1), param(learner(portable)).get("base_score"));
    assertSamePredictions(model, portable, 0);
    Booster reloaded = XGBoost.loadModel(portable);
    assertArrayEquals(model, reloaded.toByteArray("ubj"), "XGBoost 3 reads the scalar as the same intercept");
    reloaded.dispose();
  }

  @Test
  void multiClass_intercepts_areFoldedIntoTheFirstRoundTrees() throws Exception {
    data.setLabel(classes(3));
    byte[] model = train(Map.of("objective", "multi:softprob", "num_class", 3));
    String vector = (String) param(learner(model)).get("base_score");
    String[] intercepts = vector.substring(1, vector.length() - 1).split(",");
    assertEquals(3, intercepts.length, vector);
    assertNotEquals(intercepts[0], intercepts[1], "distinct intercepts, or nothing would be tested");

    byte[] portable = ModelRewriter.portable(model);
    assertEquals(intercepts[0], param(learner(portable)).get("base_score"));
    assertSamePredictions(model, portable, 1e-6);
  }

  @Test
  void multiClassWithDropout_keepsTheTreeWeightsWhereOlderVersionsReadThem() throws Exception {
    data.setLabel(classes(3));
    byte[] model = train(Map.of("objective", "multi:softprob", "num_class", 3, "booster", "dart", "rate_drop", 0.5,
        "seed", 3));
    byte[] portable = ModelRewriter.portable(model);
    Map<String, Object> booster = map(learner(portable).get("gradient_booster"));
    assertEquals("dart", booster.get("name"));
    assertTrue(booster.containsKey("weight_drop"));
    assertFalse(map(map(booster.get("gbtree")).get("model")).containsKey("weight_drop"));
    assertSamePredictions(model, portable, 1e-6);
  }

  @Test
  void linearMultiClass_keepsTheFirstIntercept_asXgboost3PredictsWithIt() throws Exception {
    data.setLabel(classes(3));
    byte[] model = train(Map.of("objective", "multi:softprob", "num_class", 3, "booster", "gblinear"));
    byte[] portable = ModelRewriter.portable(model);
    assertFalse(((String) param(learner(portable)).get("base_score")).startsWith("["));
    assertSamePredictions(model, portable, 0);
  }

  @Test
  void ranking_getsTheObjectiveSectionXgboost17Reads() throws Exception {
    float[] grades = new float[ROWS];
    for (int i = 0; i < ROWS; i++) {
      grades[i] = Math.min(4, (int) (target[i] - 10));
    }
    data.setLabel(grades);
    byte[] model = train(Map.of("objective", "rank:ndcg"));
    assertFalse(map(learner(model).get("objective")).containsKey("lambda_rank_param"));
    byte[] portable = ModelRewriter.portable(model);
    assertEquals(Map.of(), map(learner(portable).get("objective")).get("lambda_rank_param"));
    assertSamePredictions(model, portable, 0);
  }

  @Test
  void ubjson_readAndWrittenUnchanged_isTheSameBytes() throws Exception {
    data.setLabel(classes(4));
    byte[] model = train(Map.of("objective", "multi:softmax", "num_class", 4));
    assertArrayEquals(model, Ubjson.write(Ubjson.read(model)));
  }

  @Test
  void notUbjson_isRefusedWithTheReason() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ModelRewriter.portable(new byte[] {'{', 'L', 0, 0}));
    assertEquals("not a UBJSON model: byte offset 2: the file ends within 8 bytes (2 left), in the middle of a value",
        e.getMessage());
  }

  @Test
  void typedArrayLongerThanTheFile_isRefusedBeforeAllocating() {
    // [$d#l <100 million>: 400 MB of floats claimed by a 9-byte file; the rewriter reads with the
    // same bounded decoder as the validator, so a count is checked against the bytes present.
    byte[] model = {'[', '$', 'd', '#', 'l', 0x05, (byte) 0xF5, (byte) 0xE1, 0x00};
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ModelRewriter.portable(model));
    assertEquals("not a UBJSON model: byte offset 4: a length of 100000000 in a file of 9 bytes", e.getMessage());
  }

  @Test
  void nestingDeeperThanAnyModel_isRefused() {
    byte[] model = new byte[40];
    java.util.Arrays.fill(model, (byte) '[');
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ModelRewriter.portable(model));
    assertEquals("not a UBJSON model: byte offset 34: nested deeper than 32 levels", e.getMessage());
  }

  private float[] classes(int k) {
    float[] labels = new float[ROWS];
    for (int i = 0; i < ROWS; i++) {
      // skewed classes, so that each class has an intercept of its own
      labels[i] = Math.min(k - 1, (int) Math.floor((target[i] - 10) * (target[i] - 10) / 2.5));
    }
    return labels;
  }

  private byte[] train(Map<String, Object> params) throws XGBoostError {
    Map<String, Object> all = new HashMap<>(params);
    all.put("max_depth", 3);
    all.put("nthread", 1);
    Booster booster = XGBoost.train(data, all, 6, Map.of(), null, null);
    try {
      return booster.toByteArray("ubj");
    } finally {
      booster.dispose();
    }
  }

  private void assertSamePredictions(byte[] model, byte[] portable, double tolerance) throws Exception {
    Booster a = XGBoost.loadModel(model);
    Booster b = XGBoost.loadModel(portable);
    try {
      float[][] expected = a.predict(data, true);
      float[][] actual = b.predict(data, true);
      for (int i = 0; i < expected.length; i++) {
        for (int j = 0; j < expected[i].length; j++) {
          assertEquals(expected[i][j], actual[i][j], tolerance, "row " + i + ", output " + j);
        }
      }
    } finally {
      a.dispose();
      b.dispose();
    }
  }

  private static Map<String, Object> learner(byte[] model) throws ModelDocument.Malformed {
    return map(map(Ubjson.read(model)).get("learner"));
  }

  private static Map<String, Object> param(Map<String, Object> learner) {
    return map(learner.get("learner_model_param"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }
}
