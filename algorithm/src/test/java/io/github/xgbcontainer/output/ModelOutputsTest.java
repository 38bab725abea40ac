package io.github.xgbcontainer.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feature importance and SHAP files against what a real xgboost4j booster reports. */
class ModelOutputsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROWS = 400;
  /** Twelve features, so that f10 and f11 would sort before f2 as text. */
  private static final int FEATURES = 12;

  @TempDir Path dir;
  private SageMakerPaths paths;
  private DMatrix data;
  private Booster booster;

  /** label = 3*x0 + x10 + noise; x2 is constant, so no tree can split on it. */
  @BeforeEach
  void train() throws Exception {
    paths = new SageMakerPaths(dir);
    Files.createDirectories(paths.outputDataDir());
    Random random = new Random(7);
    float[] values = new float[ROWS * FEATURES];
    float[] labels = new float[ROWS];
    for (int r = 0; r < ROWS; r++) {
      for (int f = 0; f < FEATURES; f++) {
        values[r * FEATURES + f] = f == 2 ? 1f : random.nextFloat();
      }
      labels[r] = 3 * values[r * FEATURES] + values[r * FEATURES + 10] + 0.05f * (float) random.nextGaussian();
    }
    data = new DMatrix(values, ROWS, FEATURES, Float.NaN);
    data.setLabel(labels);
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "reg:squarederror");
    params.put("max_depth", 3);
    params.put("nthread", 1);
    params.put("base_score", 0.5);
    booster = XGBoost.train(data, params, 20, Map.of(), null, null);
  }

  @AfterEach
  void dispose() {
    booster.dispose();
    data.dispose();
  }

  private JsonNode read(String name) throws Exception {
    return JSON.readTree(paths.outputDataDir().resolve(name).toFile());
  }

  @Test
  void featureImportance_matchesTheBoosterUnderGivenNamesInFeatureOrder() throws Exception {
    List<String> names = new ArrayList<>();
    for (int f = 0; f < FEATURES; f++) {
      names.add("col_" + (char) ('a' + f));
    }
    new ModelOutputs(paths).writeFeatureImportance(booster, names);

    JsonNode doc = read("feature_importance.json");
    for (String type : ModelOutputs.IMPORTANCE_TYPES) {
      Map<String, Double> expected = booster.getScore(names.toArray(String[]::new), type);
      JsonNode scores = doc.get(type);
      assertEquals(expected.size(), scores.size(), type);
      // XGBoost's own scores (the native path) are floats; xgboost4j's come from a six-digit text dump
      expected.forEach((name, score) -> assertEquals(score, scores.get(name).asDouble(), Math.abs(score) * 1e-5,
          type + " " + name));
      List<String> order = new ArrayList<>();
      scores.fieldNames().forEachRemaining(order::add);
      assertEquals(names.stream().filter(expected::containsKey).toList(), order, type);
      assertTrue(scores.has("col_a") && scores.has("col_k"), type);
      assertTrue(!scores.has("col_c"), "the constant feature is never split on");
    }
  }

  @Test
  void nativeScores_areXgboostsOwnGetScore_whereTheShimIsLoaded() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(io.github.xgbcontainer.matrix.NativeShim.available(),
        io.github.xgbcontainer.matrix.NativeShim::unavailableReason);
    String[] names = ModelOutputs.defaultFeatureNames(FEATURES).toArray(String[]::new);
    byte[] model = booster.toByteArray("ubj");
    Map<String, Map<String, Double>> computed = ModelOutputs.nativeScores(model, ModelOutputs.IMPORTANCE_TYPES, names);
    for (String type : ModelOutputs.IMPORTANCE_TYPES) {
      Map<String, Double> scores = computed.get(type);
      Map<String, Double> expected = booster.getScore(names, type);
      assertEquals(new java.util.TreeSet<>(expected.keySet()), new java.util.TreeSet<>(scores.keySet()), type);
      expected.forEach((name, score) -> assertEquals(score, scores.get(name), Math.abs(score) * 1e-5, type + " " + name));
    }
    assertEquals(null, ModelOutputs.nativeScores(model, List.of("gain", "no_such_type"), names).get("no_such_type"),
        "a refused type falls back");
  }

  @Test
  void featureImportance_defaultsToXgboostNamesInNumericOrder() throws Exception {
    new ModelOutputs(paths).writeFeatureImportance(booster, FEATURES);

    List<String> order = new ArrayList<>();
    read("feature_importance.json").get("gain").fieldNames().forEachRemaining(order::add);
    assertEquals("f0", order.get(0));
    assertEquals("f11", order.get(order.size() - 1));
    assertTrue(order.indexOf("f3") < order.indexOf("f10"), order.toString());
  }

  @Test
  void shapSummary_isTheMeanAbsoluteContributionAndAddsUpToTheMargin() throws Exception {
    Map<String, Double> meanAbs = new ModelOutputs(paths)
        .writeShapSummary(booster, data, "validation", ModelOutputs.defaultFeatureNames(FEATURES));

    float[][] contributions = booster.predictContrib(data, 0);
    float[][] margins = booster.predict(data, true);
    double[] expected = new double[FEATURES + 1];
    for (int r = 0; r < ROWS; r++) {
      assertEquals(FEATURES + 1, contributions[r].length);
      double sum = 0;
      for (int c = 0; c <= FEATURES; c++) {
        sum += contributions[r][c];
        expected[c] += c == FEATURES ? contributions[r][c] : Math.abs(contributions[r][c]);
      }
      assertEquals(margins[r][0], sum, 1e-3, "row " + r + ": SHAP values add up to the margin");
    }
    JsonNode doc = read("shap_summary.json");
    assertEquals("validation", doc.get("channel").asText());
    assertEquals(ROWS, doc.get("rows").asInt());
    assertEquals(expected[FEATURES] / ROWS, doc.get("mean_bias").asDouble(), 1e-9);
    for (int f = 0; f < FEATURES; f++) {
      assertEquals(expected[f] / ROWS, doc.get("mean_abs_shap").get("f" + f).asDouble(), 1e-9, "f" + f);
      assertEquals(expected[f] / ROWS, meanAbs.get("f" + f), 1e-9, "f" + f);
    }
    assertEquals(0.0, meanAbs.get("f2"), "a constant feature contributes nothing");
    String top = meanAbs.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    assertEquals("f0", top);
  }

  @Test
  void shapSummary_sumsOverClassesOfAMultiClassModel() {
    float[][] rows = {
      {1f, -2f, 0.5f, -1f, 1f, 0.25f},
      {-3f, 0f, 0.5f, 1f, -1f, 0.25f}
    };
    ShapSummary summary = ShapSummary.of(rows, List.of("a", "b"));

    assertEquals(Map.of("a", (1 + 1 + 3 + 1) / 2.0, "b", (2 + 1 + 0 + 1) / 2.0), summary.meanAbs());
    assertEquals((0.5 + 0.25 + 0.5 + 0.25) / 2.0, summary.meanBias(), 1e-12);
  }
}
