package io.github.xgbcontainer.hyperparameters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntFunction;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.Test;

/**
 * Feeds {@link Hyperparameters#xgboostParams()} to the real xgboost4j, so the keys, the value
 * formats and the default metric names are checked against the library rather than our reading of
 * its docs. Only this test touches xgboost4j; the package itself does not depend on it.
 */
class HyperparameterXgboostTest {

  private static final int ROWS = 60;
  private static final int FEATURES = 4;

  /** The default metric name, as XGBoost prints it after two rounds with only the parameter map. */
  @Test
  void xgboost_evaluatesTheDefaultMetricOfEveryObjective() throws XGBoostError {
    for (Objective objective : Objective.values()) {
      if (objective == Objective.SURVIVAL_AFT) {
        continue; // Needs interval label bounds, which xgboost4j's DMatrix API cannot set.
      }
      Map<String, String> raw =
          new HashMap<>(Map.of("num_round", "2", "objective", objective.nativeName(), "nthread", "1"));
      if (objective.isMultiClass()) {
        raw.put("num_class", "3");
      }
      if (objective == Objective.REG_QUANTILEERROR) {
        raw.put("quantile_alpha", "0.5");
      }
      Hyperparameters h = Hyperparameters.parse(raw);
      IntFunction<Float> label = labelsFor(objective);
      for (int i = 0; i < ROWS; i++) {
        assertEquals(Optional.empty(), h.labelProblem(label.apply(i)), objective.nativeName());
      }

      assertEquals(h.defaultMetric(), metricName(train(h, label)), objective.nativeName());
    }
  }

  @Test
  void xgboost_acceptsTheParameterMapOfBroadJobs() throws XGBoostError {
    List<Map<String, String>> jobs =
        List.of(
            Map.ofEntries(
                Map.entry("objective", "binary:logistic"),
                Map.entry("eta", "0.2"),
                Map.entry("gamma", "0.1"),
                Map.entry("max_depth", "0"),
                Map.entry("max_leaves", "8"),
                Map.entry("grow_policy", "lossguide"),
                Map.entry("min_child_weight", "0.5"),
                Map.entry("max_delta_step", "1"),
                Map.entry("subsample", "0.9"),
                Map.entry("sampling_method", "uniform"),
                Map.entry("colsample_bytree", "0.9"),
                Map.entry("colsample_bylevel", "0.9"),
                Map.entry("colsample_bynode", "0.9"),
                Map.entry("reg_lambda", "2"),
                Map.entry("reg_alpha", "0.1"),
                Map.entry("tree_method", "hist"),
                Map.entry("scale_pos_weight", "2"),
                Map.entry("max_bin", "32"),
                Map.entry("num_parallel_tree", "2"),
                Map.entry("monotone_constraints", "[1, 0, -1]"),
                Map.entry("interaction_constraints", "[[0, 1], [2, 3]]"),
                Map.entry("max_cached_hist_node", "1024"),
                Map.entry("max_cat_to_onehot", "2"),
                Map.entry("max_cat_threshold", "16"),
                Map.entry("base_score", "0.4"),
                Map.entry("seed", "7"),
                Map.entry("nthread", "1"),
                Map.entry("verbosity", "0"),
                Map.entry("device", "cpu")),
            Map.of(
                "objective", "reg:squarederror",
                "booster", "dart",
                "sample_type", "weighted",
                "normalize_type", "forest",
                "rate_drop", "0.1",
                "one_drop", "1",
                "skip_drop", "0.5"),
            Map.of(
                "objective", "reg:squarederror",
                "tree_method", "exact",
                "updater", "grow_colmaker,prune",
                "refresh_leaf", "0",
                "process_type", "default"),
            Map.of(
                "objective", "reg:squarederror",
                "booster", "gblinear",
                "updater", "coord_descent",
                "feature_selector", "greedy",
                "top_k", "2"),
            Map.of(
                "objective", "rank:ndcg",
                "lambdarank_pair_method", "mean",
                "lambdarank_num_pair_per_sample", "2",
                "lambdarank_unbiased", "true",
                "lambdarank_bias_norm", "1",
                "ndcg_exp_gain", "false"),
            Map.of("objective", "reg:quantileerror", "quantile_alpha", "[0.1, 0.5, 0.9]"),
            Map.of("objective", "reg:pseudohubererror", "huber_slope", "0.5"),
            Map.of("objective", "reg:tweedie", "tweedie_variance_power", "1.3"),
            Map.of("objective", "reg:linear", "learning_rate", "0.5"),
            Map.of(
                "objective", "multi:softprob",
                "num_class", "3",
                "multi_strategy", "multi_output_tree",
                "tree_method", "hist"));
    for (Map<String, String> job : jobs) {
      Map<String, String> raw = new HashMap<>(job);
      raw.put("num_round", "2");
      raw.putIfAbsent("nthread", "1"); // The build machine is shared; one thread is plenty for 60 rows.
      Hyperparameters h = Hyperparameters.parse(raw);
      Objective objective = Objective.of(h.objective()).orElseThrow();

      String evaluation = train(h, labelsFor(objective));

      assertTrue(evaluation.matches("\\[1]\\ttrain-\\S+:-?\\d+\\.\\d+"), job + " evaluated as " + evaluation);
    }
  }

  /** Labels every objective accepts: classes, relevance, positive amounts or signed survival times. */
  private static IntFunction<Float> labelsFor(Objective objective) {
    return switch (objective) {
      case BINARY_LOGISTIC, BINARY_LOGITRAW, BINARY_HINGE, REG_LOGISTIC, RANK_MAP -> i -> (float) (i % 2);
      case MULTI_SOFTMAX, MULTI_SOFTPROB -> i -> (float) (i % 3);
      case RANK_NDCG, RANK_PAIRWISE -> i -> (float) (i % 4);
      case SURVIVAL_COX -> i -> (i % 3 == 0 ? -1f : 1f) * (1 + i % 7);
      default -> i -> 1f + (i % 5) * 0.5f;
    };
  }

  /** Trains two rounds on generated data and returns XGBoost's evaluation line of the last one. */
  private static String train(Hyperparameters h, IntFunction<Float> label) throws XGBoostError {
    Random random = new Random(42);
    float[] features = new float[ROWS * FEATURES];
    for (int i = 0; i < features.length; i++) {
      features[i] = random.nextFloat();
    }
    float[] labels = new float[ROWS];
    for (int i = 0; i < ROWS; i++) {
      labels[i] = label.apply(i);
    }
    DMatrix data = new DMatrix(features, ROWS, FEATURES, Float.NaN);
    Booster booster = null;
    try {
      data.setLabel(labels);
      booster = XGBoost.train(data, h.xgboostParams(), h.numRound(), Map.of(), null, null);
      return booster.evalSet(new DMatrix[] {data}, new String[] {"train"}, h.numRound() - 1);
    } finally {
      if (booster != null) {
        booster.dispose();
      }
      data.dispose();
    }
  }

  /** {@code [1]\ttrain-ndcg@32:0.75} is ndcg@32. */
  private static String metricName(String evaluation) {
    String metric = evaluation.substring(evaluation.indexOf("train-") + "train-".length());
    return metric.substring(0, metric.lastIndexOf(':'));
  }
}
