package io.github.xgbcontainer.hyperparameters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class HyperparameterLabelsTest {

  private static Optional<String> problem(String objective, float label) {
    return Hyperparameters.labelProblem(objective, label, OptionalInt.empty());
  }

  @Test
  void labelProblem_binaryNeedsLabelsInUnitInterval() {
    assertEquals(
        Optional.of("label 2.0 is not valid for binary:logistic, which needs labels in [0, 1]"),
        problem("binary:logistic", 2f));
    assertEquals(Optional.empty(), problem("binary:logistic", 0.3f));
    assertEquals(
        Optional.of("label -1.0 is not valid for reg:logistic, which needs labels in [0, 1]"),
        problem("reg:logistic", -1f));
  }

  @Test
  void labelProblem_multiClassNeedsClassIndices() {
    OptionalInt three = OptionalInt.of(3);
    assertEquals(
        Optional.of("label 3.0 is not valid for multi:softmax, which needs integer labels in [0, 3) for num_class 3"),
        Hyperparameters.labelProblem("multi:softmax", 3f, three));
    assertEquals(
        Optional.of("label 1.5 is not valid for multi:softprob, which needs integer labels in [0, 3) for num_class 3"),
        Hyperparameters.labelProblem("multi:softprob", 1.5f, three));
    assertEquals(Optional.empty(), Hyperparameters.labelProblem("multi:softmax", 2f, three));
  }

  @Test
  void labelProblem_followsEachObjectiveDomain() {
    assertEquals(
        Optional.of("label -1.0 is not valid for count:poisson, which needs labels >= 0"),
        problem("count:poisson", -1f));
    assertEquals(Optional.of("label 0.0 is not valid for reg:gamma, which needs labels > 0"), problem("reg:gamma", 0f));
    assertEquals(
        Optional.of("label -0.5 is not valid for reg:tweedie, which needs labels >= 0"), problem("reg:tweedie", -0.5f));
    assertEquals(
        Optional.of("label -1.0 is not valid for reg:squaredlogerror, which needs labels > -1"),
        problem("reg:squaredlogerror", -1f));
    assertEquals(Optional.empty(), problem("survival:cox", -3f));
    assertEquals(
        Optional.of("label 0.0 is not valid for survival:aft, which needs labels > 0"), problem("survival:aft", 0f));
    assertEquals(Optional.of("label 2.0 is not valid for rank:map, which needs labels 0 or 1"), problem("rank:map", 2f));
    assertEquals(Optional.empty(), problem("reg:squarederror", -1e6f));
    assertEquals(Optional.empty(), problem("reg:linear", -1e6f));
  }

  @Test
  void labelProblem_ndcgExpGainLimitsRelevance() {
    assertEquals(
        Optional.of("label 32.0 is not valid for rank:ndcg, which needs labels in [0, 31] with ndcg_exp_gain true; "
            + "set ndcg_exp_gain to false for larger relevance"),
        problem("rank:ndcg", 32f));
    Hyperparameters linearGain =
        Hyperparameters.parse(Map.of("num_round", "1", "objective", "rank:ndcg", "ndcg_exp_gain", "false"));
    assertEquals(Optional.empty(), linearGain.labelProblem(32f));
    assertEquals(
        Optional.of("label -1.0 is not valid for rank:ndcg, which needs labels >= 0"), linearGain.labelProblem(-1f));
  }

  @Test
  void labelProblem_usesTheJobsNumClass() {
    Hyperparameters h =
        Hyperparameters.parse(Map.of("num_round", "1", "objective", "multi:softmax", "num_class", "2"));

    assertEquals(
        Optional.of("label 2.0 is not valid for multi:softmax, which needs integer labels in [0, 2) for num_class 2"),
        h.labelProblem(2f));
  }

  @Test
  void labelProblem_rejectsNonFiniteLabels() {
    assertEquals(Optional.of("label NaN is not a finite number"), problem("reg:squarederror", Float.NaN));
    assertEquals(
        Optional.of("label Infinity is not a finite number"), problem("reg:squarederror", Float.POSITIVE_INFINITY));
  }

  @Test
  void labelProblem_rejectsUnknownObjective() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> problem("reg:foo", 1f));
    assertEquals("not an XGBoost objective: reg:foo", e.getMessage());
  }

  @Test
  void defaultMetric_followsXgboost() {
    Map<String, String> expected =
        Map.ofEntries(
            Map.entry("reg:squarederror", "rmse"),
            Map.entry("reg:linear", "rmse"),
            Map.entry("reg:squaredlogerror", "rmsle"),
            Map.entry("reg:logistic", "rmse"),
            Map.entry("reg:pseudohubererror", "mphe"),
            Map.entry("reg:absoluteerror", "mae"),
            Map.entry("reg:quantileerror", "quantile"),
            Map.entry("binary:logistic", "logloss"),
            Map.entry("binary:logitraw", "logloss"),
            Map.entry("binary:hinge", "error"),
            Map.entry("count:poisson", "poisson-nloglik"),
            Map.entry("survival:cox", "cox-nloglik"),
            Map.entry("survival:aft", "aft-nloglik"),
            Map.entry("multi:softmax", "mlogloss"),
            Map.entry("multi:softprob", "mlogloss"),
            Map.entry("rank:ndcg", "ndcg@32"),
            Map.entry("rank:map", "map@32"),
            Map.entry("rank:pairwise", "ndcg@32"),
            Map.entry("reg:gamma", "gamma-deviance"),
            Map.entry("reg:tweedie", "tweedie-nloglik@1.5"));
    expected.forEach((objective, metric) -> assertEquals(Optional.of(metric), Hyperparameters.defaultMetric(objective)));
    assertEquals(Optional.empty(), Hyperparameters.defaultMetric("reg:foo"));
  }

  @Test
  void defaultMetric_ofRankingJobCarriesItsTruncation() {
    assertEquals("ndcg@32", job("objective", "rank:ndcg").defaultMetric());
    assertEquals("map@8", job("objective", "rank:map", "lambdarank_num_pair_per_sample", "8").defaultMetric());
    assertEquals("ndcg", job("objective", "rank:pairwise", "lambdarank_pair_method", "mean").defaultMetric());
    assertEquals("logloss", job("objective", "binary:logistic").defaultMetric());
  }

  private static Hyperparameters job(String... keyValues) {
    Map<String, String> raw = new HashMap<>(Map.of("num_round", "1"));
    for (int i = 0; i < keyValues.length; i += 2) {
      raw.put(keyValues[i], keyValues[i + 1]);
    }
    return Hyperparameters.parse(raw);
  }

  @Test
  void defaultMetric_ofTweedieJobCarriesItsVariancePower() {
    Hyperparameters h =
        Hyperparameters.parse(
            Map.of("num_round", "1", "objective", "reg:tweedie", "tweedie_variance_power", "1.2"));

    assertEquals("tweedie-nloglik@1.2", h.defaultMetric());
  }
}
