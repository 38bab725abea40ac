package io.github.xgbcontainer.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Writes what a successful job leaves: {@code model/xgboost-model} (UBJSON, which Python's
 * {@code xgboost.Booster().load_model} reads) and, under {@code output/data/}, the evaluation
 * history and the feature importance as JSON.
 */
public final class ModelOutputs {

  /** Importance types xgboost4j reports. */
  public static final List<String> IMPORTANCE_TYPES =
      List.of("weight", "gain", "cover", "total_gain", "total_cover");

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final SageMakerPaths paths;

  public ModelOutputs(SageMakerPaths paths) {
    this.paths = paths;
  }

  /** Writes the model atomically. */
  public void writeModel(Booster booster) {
    try {
      AtomicFiles.write(paths.modelFile(), booster.toByteArray("ubj"));
    } catch (XGBoostError e) {
      throw new AlgorithmError("cannot serialise the model: " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code output/data/evaluation_history.json}.
   *
   * @param history per round, {@code watch-metric} to score
   * @param summary extra top-level fields (best iteration, rounds, ...)
   */
  public void writeEvaluationHistory(List<Map<String, Double>> history, Map<String, Object> summary) {
    Map<String, List<Double>> series = new LinkedHashMap<>();
    for (Map<String, Double> round : history) {
      round.forEach((k, v) -> series.computeIfAbsent(k, x -> new java.util.ArrayList<>()).add(v));
    }
    Map<String, Object> doc = new LinkedHashMap<>(summary);
    doc.put("metrics", series);
    writeJson("evaluation_history.json", doc);
  }

  /**
   * Writes {@code output/data/feature_importance.json}: per importance type, feature to score.
   * Features the trees never split on are absent, as in XGBoost's {@code get_score}.
   *
   * @param features the feature count; names are {@code f0 .. f<features-1>}
   */
  public Map<String, Map<String, Double>> writeFeatureImportance(Booster booster, int features) {
    // xgboost4j's getScore crashes the JVM when given null feature names: always pass them.
    String[] names = new String[features];
    for (int i = 0; i < features; i++) {
      names[i] = "f" + i;
    }
    Map<String, Map<String, Double>> doc = new LinkedHashMap<>();
    try {
      for (String type : IMPORTANCE_TYPES) {
        Map<String, Double> scores = booster.getScore(names, type);
        Map<String, Double> ordered = new TreeMap<>(ModelOutputs::compareFeatureNames);
        ordered.putAll(scores);
        doc.put(type, ordered);
      }
    } catch (XGBoostError e) {
      throw new AlgorithmError("cannot compute feature importance: " + e.getMessage(), e);
    }
    writeJson("feature_importance.json", doc);
    return doc;
  }

  private void writeJson(String name, Object doc) {
    try {
      AtomicFiles.write(paths.outputDataDir().resolve(name), JSON.writeValueAsBytes(doc));
    } catch (JsonProcessingException e) {
      throw new PlatformError("cannot write " + name + ": " + e.getMessage(), e);
    }
  }

  /** Orders {@code f2} before {@code f10}. */
  static int compareFeatureNames(String a, String b) {
    if (a.startsWith("f") && b.startsWith("f")) {
      try {
        return Integer.compare(Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1)));
      } catch (NumberFormatException ignored) {
        // fall through to text order
      }
    }
    return a.compareTo(b);
  }
}
