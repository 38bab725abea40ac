package io.github.xgbcontainer.output;

import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.json.JsonText;
import io.github.xgbcontainer.matrix.NativeShim;
import io.github.xgbcontainer.matrix.Predictions;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Writes what a successful job leaves: {@code model/xgboost-model} (UBJSON, which Python's
 * {@code xgboost.Booster().load_model} reads, from XGBoost 1.7 on) and, under {@code output/data/}, the evaluation
 * history and the feature importance as JSON.
 */
public final class ModelOutputs {

  /** Importance types xgboost4j reports. */
  public static final List<String> IMPORTANCE_TYPES =
      List.of("weight", "gain", "cover", "total_gain", "total_cover");

  private final SageMakerPaths paths;

  public ModelOutputs(SageMakerPaths paths) {
    this.paths = paths;
  }

  /** Where {@link #writeModel} writes: {@code model/xgboost-model}. */
  public Path modelFile() {
    return paths.modelFile();
  }

  /** Where the JSON outputs, charts and report go: {@code output/data/}. */
  public Path dataFolder() {
    return paths.outputDataDir();
  }

  /** The files cross-validation writes, beside these. */
  public CrossValidationFiles crossValidationFiles() {
    return new CrossValidationFiles(paths);
  }

  /** Writes the model atomically, in the form every XGBoost from 1.7 on reads (see {@link #modelBytes}). */
  public void writeModel(Booster booster) {
    AtomicFiles.write(paths.modelFile(), modelBytes(booster));
  }

  /**
   * The booster as every model file of a job holds it (the model, checkpoints, cross-validation
   * folds): UBJSON, rewritten by {@link ModelRewriter} so that XGBoost 1.7, 2.x and 3.x load it and
   * predict the same.
   */
  public static byte[] modelBytes(Booster booster) {
    byte[] written;
    try {
      written = booster.toByteArray("ubj");
    } catch (XGBoostError e) {
      throw new AlgorithmError("cannot serialise the model: " + e.getMessage(), e);
    }
    try {
      return ModelRewriter.portable(written);
    } catch (IllegalArgumentException e) {
      throw new AlgorithmError("cannot rewrite the model for older XGBoost versions: " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code output/data/evaluation_history.json}.
   *
   * @param history per round, {@code watch-metric} to score
   * @param summary extra top-level fields (best iteration, rounds, ...)
   */
  public void writeEvaluationHistory(List<Map<String, Double>> history, Map<String, Object> summary) {
    Map<String, Object> doc = new LinkedHashMap<>(summary);
    doc.put("metrics", series(history));
    writeJson("evaluation_history.json", doc);
  }

  /** Per-round scores turned into one series per {@code watch-metric}, as evaluation_history.json holds them. */
  public static Map<String, List<Double>> series(List<Map<String, Double>> history) {
    Map<String, List<Double>> series = new LinkedHashMap<>();
    for (Map<String, Double> round : history) {
      round.forEach((k, v) -> series.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }
    return series;
  }

  /** {@code f0 .. f<features-1>}: XGBoost's names for features that have none. */
  public static List<String> defaultFeatureNames(int features) {
    List<String> names = new ArrayList<>(features);
    for (int i = 0; i < features; i++) {
      names.add("f" + i);
    }
    return names;
  }

  /** {@link #writeFeatureImportance(Booster, List)} with the names {@code f0 .. f<features-1>}. */
  public Map<String, Map<String, Double>> writeFeatureImportance(Booster booster, int features) {
    return writeFeatureImportance(booster, defaultFeatureNames(features));
  }

  /**
   * Writes {@code output/data/feature_importance.json}: per importance type, feature to score, in
   * feature order. Features the trees never split on are absent, as in XGBoost's {@code get_score}.
   *
   * @param featureNames one name per feature column (Parquet column names, or {@code f0 ..})
   */
  public Map<String, Map<String, Double>> writeFeatureImportance(Booster booster, List<String> featureNames) {
    // xgboost4j's getScore crashes the JVM when given null feature names: always pass them.
    String[] names = featureNames.toArray(String[]::new);
    Map<String, Map<String, Double>> doc = new LinkedHashMap<>();
    try {
      Map<String, Map<String, Double>> computed = NativeShim.available()
          ? nativeScores(booster.toByteArray("ubj"), IMPORTANCE_TYPES, names) : Map.of();
      for (String type : IMPORTANCE_TYPES) {
        Map<String, Double> scores = computed.get(type);
        if (scores == null) {
          scores = booster.getScore(names, type);
        }
        Map<String, Double> ordered = new LinkedHashMap<>();
        for (String name : featureNames) {
          Double score = scores.get(name);
          if (score != null) {
            ordered.put(name, score);
          }
        }
        doc.put(type, ordered);
      }
    } catch (XGBoostError e) {
      throw new AlgorithmError("cannot compute feature importance: " + e.getMessage(), e);
    }
    writeJson("feature_importance.json", doc);
    return doc;
  }

  /**
   * Importance types computed by XGBoost itself, as the Python package's {@code get_score} does:
   * the model is loaded once and each type takes milliseconds, where xgboost4j's {@code getScore}
   * dumps every tree as text and parses it back (a cost that grows with the rounds, and rounds the
   * scores to the dump's six digits). A type is absent where the native path does not apply (a
   * linear model's per-class weights, a type the booster refuses), and the caller then asks
   * xgboost4j; all are absent when the model does not load.
   */
  static Map<String, Map<String, Double>> nativeScores(byte[] model, List<String> types, String[] names) {
    String[] configs = new String[types.size()];
    for (int t = 0; t < configs.length; t++) {
      configs[t] = JsonText.compact(Map.of("importance_type", types.get(t), "feature_names", names));
    }
    String[][] features = new String[configs.length][];
    float[][] scores = new float[configs.length][];
    int[] perFeature = new int[configs.length];
    String[] error = new String[1];
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    if (NativeShim.featureScores(model, configs, features, scores, perFeature, error) != 0) {
      return out;
    }
    for (int t = 0; t < configs.length; t++) {
      if (perFeature[t] != 1) {
        continue;
      }
      Map<String, Double> byName = new LinkedHashMap<>();
      for (int i = 0; i < features[t].length; i++) {
        byName.put(features[t][i], (double) scores[t][i]);
      }
      out.put(types.get(t), byName);
    }
    return out;
  }

  /**
   * Writes {@code output/data/shap_summary.json}: the mean absolute SHAP value of each feature
   * over the rows of {@code data}, from xgboost4j's {@code predictContrib} (TreeSHAP), and the mean
   * bias term. For multi-class models a feature's value is the sum over classes, as SHAP's stacked
   * summary bars show it.
   *
   * @param data a matrix of raw values (a plain DMatrix: a QuantileDMatrix holds only bins)
   * @param channel the channel the rows come from, recorded in the file
   * @return feature name to mean |SHAP|, in feature order
   */
  public Map<String, Double> writeShapSummary(Booster booster, DMatrix data, String channel,
      List<String> featureNames) {
    float[][] contributions;
    try {
      contributions = booster.predictContrib(data, 0);
    } catch (XGBoostError e) {
      throw new AlgorithmError("cannot compute SHAP values: " + e.getMessage(), e);
    }
    ShapSummary summary = ShapSummary.of(contributions, featureNames);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("channel", channel);
    doc.put("rows", contributions.length);
    doc.put("mean_abs_shap", summary.meanAbs());
    doc.put("mean_bias", summary.meanBias());
    writeJson("shap_summary.json", doc);
    return summary.meanAbs();
  }

  /**
   * Predicts {@code data} with the trained booster once and measures the predictions against its
   * labels (see {@link ModelEvaluation}). {@code multi:softmax} and {@code binary:logitraw} predict a
   * class or a margin, so their margins are turned into probabilities here.
   *
   * @param data the validation matrix, or the training one where there is none
   * @param channel the channel {@code data} holds
   * @param evalMetrics the job's metrics: the first {@code ndcg@k} sets the k of NDCG per query
   */
  public static java.util.Optional<ModelEvaluation> evaluate(Booster booster, DMatrix data, String objective,
      String channel, List<String> evalMetrics) {
    return observe(booster, data, objective, channel).measure(evalMetrics);
  }

  /**
   * What {@link #evaluate} measures, read off the matrix: its labels, the model's predictions and,
   * for ranking, the query boundaries. Reading them is quick; measuring them (sorting every row by
   * score) is not, and needs the matrix no more, so a caller may free the matrix in between.
   */
  public record Observed(String objective, String channel, float[] labels, Predictions predictions,
      boolean margins, int[] groupBounds) {

    /** {@link ModelOutputs#measure} of these. */
    public java.util.Optional<ModelEvaluation> measure(List<String> evalMetrics) {
      return ModelOutputs.measure(objective, channel, labels, predictions, margins, groupBounds, evalMetrics);
    }
  }

  /** Reads what {@link #evaluate} measures (see {@link Observed}). */
  public static Observed observe(Booster booster, DMatrix data, String objective, String channel) {
    try {
      boolean margin = objective.equals("multi:softmax") || objective.equals("binary:logitraw");
      return new Observed(objective, channel, data.getLabel(), Predictions.of(booster, data, margin), margin,
          objective.startsWith("rank:") ? data.getGroup() : null);
    } catch (XGBoostError e) {
      throw new AlgorithmError("cannot predict the " + channel + " channel for the report: " + e.getMessage(), e);
    }
  }

  /**
   * Measures predictions against labels (see {@link ModelEvaluation}).
   *
   * @param margins whether {@code predictions} are margins, to be turned into probabilities
   *     ({@code binary:logitraw}; {@code multi:softmax} predicted with its margins)
   * @param groupBounds query boundaries for ranking ({@code [0, n1, n1 + n2, ...]}), else null
   * @param evalMetrics the job's metrics: the first {@code ndcg@k} sets the k of NDCG per query
   */
  public static java.util.Optional<ModelEvaluation> measure(String objective, String channel, float[] labels,
      Predictions predictions, boolean margins, int[] groupBounds, List<String> evalMetrics) {
    if (margins) {
      for (int row = 0; row < predictions.rows(); row++) {
        probabilities(predictions.values(), row * predictions.columns(), predictions.columns());
      }
    }
    java.util.OptionalInt at = java.util.OptionalInt.empty();
    for (String metric : evalMetrics) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("ndcg@(\\d+)-?").matcher(metric);
      if (m.matches()) {
        at = java.util.OptionalInt.of(Integer.parseInt(m.group(1)));
        break;
      }
    }
    return ModelEvaluation.of(objective, channel, labels, predictions, groupBounds, at);
  }

  /**
   * A margin row, {@code values[from .. from + length)}, into probabilities in place: the sigmoid of
   * one value, the softmax of several.
   */
  static void probabilities(float[] values, int from, int length) {
    if (length == 1) {
      values[from] = (float) (1 / (1 + Math.exp(-values[from])));
      return;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = from; i < from + length; i++) {
      max = Math.max(max, values[i]);
    }
    double sum = 0;
    for (int i = from; i < from + length; i++) {
      sum += Math.exp(values[i] - max);
    }
    for (int i = from; i < from + length; i++) {
      values[i] = (float) (Math.exp(values[i] - max) / sum);
    }
  }

  /** Writes a JSON document to {@code output/data/<name>}, atomically. */
  public void writeJson(String name, Object doc) {
    AtomicFiles.write(paths.outputDataDir().resolve(name), JsonText.pretty(doc));
  }
}
