package io.github.xgbcontainer.hyperparameters;

import static io.github.xgbcontainer.hyperparameters.ValueType.quote;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Phase 5 of validation: rules between parameters. A rule runs only when every parameter it reads
 * passed the earlier phases, so one bad value is reported once.
 *
 * <p>Most rules refuse early what xgboost4j 3.4 fails on at training time, or trains to NaN
 * (checked against it):
 * multi-class objectives without num_class, num_class with other objectives, reg:quantileerror or the
 * quantile metric without quantile_alpha, merror and mlogloss without a multi-class objective,
 * aft-nloglik and interval-regression-accuracy without survival:aft, max_depth 0 with exact,
 * multi_output_tree without hist, base_score outside (0, 1) for logistic objectives or not positive
 * for log-link ones, linear updaters on trees and the reverse, greedy feature selection with shotgun.
 *
 * <p>Decisions where XGBoost and the official image differ: AUC and AUCPR are allowed with
 * multi-class objectives, which XGBoost supports, but, as in the official image, not with regression
 * ones; monotone constraints work with every XGBoost 3 tree method, so they are not tied to exact and
 * hist as in the official image. Settings XGBoost accepts and ignores (dart's rate_drop without
 * booster dart, lossguide with exact) warn rather than fail, since the official image accepts them.
 */
final class CrossFieldRules {

  private static final Set<String> LOGISTIC = Set.of("binary:logistic", "reg:logistic");
  private static final Set<String> LOG_LINK = Set.of("count:poisson", "reg:gamma", "reg:tweedie");
  private static final Set<String> AFT_METRICS = Set.of("aft-nloglik", "interval-regression-accuracy");
  private static final Set<String> AUC_METRICS = Set.of("auc", "aucpr");
  private static final Set<String> MULTI_CLASS_METRICS = Set.of("merror", "mlogloss");
  private static final Set<String> SHOTGUN_SELECTORS = Set.of("cyclic", "shuffle");

  private final HyperparameterValidator v;

  CrossFieldRules(HyperparameterValidator validator) {
    this.v = validator;
  }

  void check() {
    deprecatedValues();
    numClass();
    metrics();
    crossValidation();
    externalMemory();
    quantiles();
    device();
    treeBoosterOnly("monotone_constraints");
    treeBoosterOnly("interaction_constraints");
    treeMethodRules();
    baseScore();
    updater();
    featureSelector();
    daskGpuTraining();
    warnings();
  }

  private Optional<String> objective() {
    return v.usable("objective") ? Optional.of(v.effectiveString("objective")) : Optional.empty();
  }

  /** reg:linear and gpu_hist still work, under their XGBoost 3 names. */
  private void deprecatedValues() {
    if (v.has("objective") && v.effectiveString("objective").equals(Objective.DEPRECATED_LINEAR)) {
      v.replace("objective", "reg:squarederror");
      v.warn("hyperparameter 'objective': 'reg:linear' is deprecated; using 'reg:squarederror'");
    }
    if (v.has("tree_method") && v.effectiveString("tree_method").equals("gpu_hist")) {
      v.warn("hyperparameter 'tree_method': 'gpu_hist' is deprecated; using tree_method 'hist' with device 'cuda'");
    }
  }

  private void numClass() {
    Optional<String> objective = objective();
    if (objective.isEmpty() || !v.usable("num_class")) {
      return;
    }
    boolean multi = objective.get().startsWith("multi:");
    if (multi && !v.has("num_class")) {
      v.error("hyperparameter 'num_class' is required for objective " + quote(objective.get()));
    } else if (!multi && v.has("num_class")) {
      v.fail(
          "num_class",
          "only objectives multi:softmax and multi:softprob take num_class, not " + quote(objective.get())
              + "; perhaps you should use multi:softprob");
    }
  }

  @SuppressWarnings("unchecked")
  private void metrics() {
    Optional<String> objective = objective();
    if (objective.isEmpty()) {
      return;
    }
    if (v.has("eval_metric")) {
      for (String metric : (List<String>) v.effective("eval_metric").orElseThrow()) {
        metricProblem(metric, objective.get()).ifPresent(p -> v.fail("eval_metric", quote(metric) + p));
      }
    }
    if (v.has("_tuning_objective_metric")) {
      String value = v.effectiveString("_tuning_objective_metric");
      String metric = value.substring(value.indexOf(':') + 1);
      metricProblem(metric, objective.get()).ifPresent(p -> v.fail("_tuning_objective_metric", quote(value) + p));
    }
  }

  private Optional<String> metricProblem(String metric, String objective) {
    Optional<ContainerMetric> own = ContainerMetric.of(metric);
    if (own.isPresent() && !own.get().kind().classification() && objective.equals("multi:softprob")) {
      // one value per row is compared with the label; softprob gives num_class of them
      return Optional.of(" compares one prediction per row with the label, but 'multi:softprob' predicts "
          + "num_class probabilities; perhaps you should use accuracy, f1_macro or mlogloss");
    }
    if (own.isPresent()) {
      return Optional.empty();
    }
    String name = EvalMetric.baseName(metric);
    if (MULTI_CLASS_METRICS.contains(name) && !objective.startsWith("multi:")) {
      return Optional.of(" needs a multi: objective, not " + quote(objective));
    }
    if (name.equals("quantile") && !objective.equals("reg:quantileerror")
        && !v.has("quantile_alpha") && v.usable("quantile_alpha")) {
      return Optional.of(" needs 'quantile_alpha'");
    }
    if (AUC_METRICS.contains(name)
        && !(objective.startsWith("binary:") || objective.startsWith("multi:") || objective.startsWith("rank:"))) {
      return Optional.of(" needs a binary:, multi: or rank: objective, not " + quote(objective));
    }
    if (AFT_METRICS.contains(name) && !objective.equals("survival:aft")) {
      return Optional.of(" needs objective 'survival:aft', not " + quote(objective));
    }
    return Optional.empty();
  }

  private void crossValidation() {
    if (v.has("_num_cv_round") && !v.has("_kfold") && v.usable("_kfold")) {
      v.fail("_num_cv_round", "needs '_kfold', the number of folds");
    }
    // the folds are row subsets of one matrix in memory; an external-memory matrix cannot be sliced
    if (v.has("external_memory") && v.effectiveString("external_memory").equals("true") && v.has("_kfold")) {
      v.fail("external_memory", "'true' cannot be used with '_kfold': cross-validation builds its fold "
          + "matrices in memory, perhaps you should remove _kfold or set external_memory to auto");
    }
  }

  /** XGBoost's external memory is a quantised matrix, which only the hist updater reads. */
  private void externalMemory() {
    if (!v.has("external_memory") || !v.effectiveString("external_memory").equals("true")) {
      return;
    }
    if (v.usable("booster") && v.effectiveString("booster").equals("gblinear")) {
      v.fail("external_memory", "'true' needs a tree booster with tree_method hist, not booster 'gblinear'");
    } else if (v.usable("tree_method") && (v.effectiveString("tree_method").equals("exact")
        || v.effectiveString("tree_method").equals("approx"))) {
      v.fail("external_memory", "'true' needs tree_method hist, not '" + v.effectiveString("tree_method") + "'");
    }
  }

  private void quantiles() {
    if (objective().filter("reg:quantileerror"::equals).isPresent()
        && !v.has("quantile_alpha") && v.usable("quantile_alpha")) {
      v.error("hyperparameter 'quantile_alpha' is required for objective 'reg:quantileerror'");
    }
  }

  private void device() {
    if (v.has("tree_method") && v.effectiveString("tree_method").equals("gpu_hist")
        && v.has("device") && v.effectiveString("device").equals("cpu")) {
      v.fail("tree_method", "'gpu_hist' needs a GPU, but device is 'cpu'");
    }
  }

  private void treeBoosterOnly(String name) {
    if (v.has(name) && v.usable("booster") && v.effectiveString("booster").equals("gblinear")) {
      v.fail(name, "needs a tree booster (gbtree or dart), not 'gblinear'");
    }
  }

  private void treeMethodRules() {
    if (!v.usable("tree_method")) {
      return;
    }
    String method = v.effectiveString("tree_method");
    if (method.equals("exact") && v.has("max_depth") && (Integer) v.effective("max_depth").orElseThrow() == 0) {
      v.fail("max_depth", "'0' (no limit) does not work with tree_method 'exact'");
    }
    if (method.equals("exact") && v.has("grow_policy") && v.effectiveString("grow_policy").equals("lossguide")) {
      // XGBoost accepts it and grows depthwise anyway.
      v.warn("hyperparameter " + quote(v.given("grow_policy"))
          + ": 'lossguide' has no effect with tree_method 'exact', which grows depthwise");
    }
    if ((method.equals("exact") || method.equals("approx"))
        && v.has("multi_strategy") && v.effectiveString("multi_strategy").equals("multi_output_tree")) {
      v.fail("multi_strategy", "'multi_output_tree' needs tree_method hist or auto, not " + quote(method));
    }
  }

  private void baseScore() {
    Optional<String> objective = objective();
    if (objective.isEmpty() || !v.has("base_score")) {
      return;
    }
    double score = (Double) v.effective("base_score").orElseThrow();
    Interval needed =
        LOGISTIC.contains(objective.get()) ? Interval.open(0, 1)
            : LOG_LINK.contains(objective.get()) ? Interval.above(0)
            : null;
    if (needed != null && !needed.contains(score)) {
      v.fail(
          "base_score",
          quote(v.text("base_score")) + " is not in " + needed + ", as objective "
              + quote(objective.get()) + " needs");
    }
  }

  @SuppressWarnings("unchecked")
  private void updater() {
    if (!v.has("updater") || !v.usable("booster") || !v.usable("process_type")) {
      return;
    }
    List<String> updaters = (List<String>) v.effective("updater").orElseThrow();
    String booster = v.effectiveString("booster");
    String text = v.text("updater");
    if (booster.equals("gblinear")) {
      if (updaters.size() != 1 || !HyperparameterTable.LINEAR_UPDATERS.contains(updaters.get(0))) {
        v.fail("updater", quote(text) + " does not suit booster 'gblinear', which takes exactly one of shotgun, coord_descent");
      }
      return;
    }
    List<String> linear = updaters.stream().filter(HyperparameterTable.LINEAR_UPDATERS::contains).toList();
    if (!linear.isEmpty()) {
      v.fail("updater", quote(linear.get(0)) + " is a linear updater, but booster " + quote(booster) + " builds trees");
      return;
    }
    if (v.effectiveString("process_type").equals("update")) {
      List<String> other = updaters.stream().filter(u -> !u.equals("refresh") && !u.equals("prune")).toList();
      if (!other.isEmpty()) {
        v.fail("updater", quote(other.get(0)) + " does not suit process_type 'update', which takes only refresh and prune");
      }
      return;
    }
    List<String> growers = updaters.stream().filter(u -> u.startsWith("grow_")).toList();
    if (growers.size() > 1) {
      v.fail("updater", quote(text) + " has more than one grow_* updater; choose one of " + String.join(", ", growers));
    }
  }

  /** The default linear updater, shotgun, only orders features cyclically or shuffled. */
  @SuppressWarnings("unchecked")
  private void featureSelector() {
    if (!v.has("feature_selector") || !v.usable("booster") || !v.usable("updater")
        || !v.effectiveString("booster").equals("gblinear")) {
      return;
    }
    String selector = v.effectiveString("feature_selector");
    List<String> updaters = (List<String>) v.effective("updater").orElse(List.of("shotgun"));
    if (!SHOTGUN_SELECTORS.contains(selector) && !updaters.equals(List.of("coord_descent"))) {
      v.fail("feature_selector", quote(selector)
          + " needs updater 'coord_descent'; the shotgun updater takes cyclic or shuffle");
    }
  }

  /**
   * The official image hands training to a Dask cluster of one worker per GPU when this is true.
   * This image has no Dask: one process per host trains on the device that {@code device} names
   * (in the GPU image, one GPU), so say what runs instead.
   */
  private void daskGpuTraining() {
    if (v.usable("use_dask_gpu_training") && Boolean.TRUE.equals(v.effective("use_dask_gpu_training").orElseThrow())) {
      v.warn("hyperparameter 'use_dask_gpu_training': 'true' asks for Dask training on every GPU, which this image "
          + "does not do: training in one process per host, on the device that 'device' names, as with 'false'");
    }
  }

  /** Parameters that are accepted but change nothing: say so, so the user is not surprised. */
  private void warnings() {
    for (Hyperparameter parameter : v.givenParameters()) {
      if (HyperparameterValidator.isIgnored(parameter)) {
        String reason = parameter.doc();
        v.warn("hyperparameter " + quote(v.given(parameter.name())) + " is ignored: "
            + Character.toLowerCase(reason.charAt(0)) + reason.substring(1));
        continue;
      }
      Hyperparameter.Condition condition = parameter.appliesWhen();
      if (condition != null && v.usable(condition.key())) {
        Optional<Object> value = v.effective(condition.key());
        if (value.isEmpty() || !condition.values().contains(value.get())) {
          v.warn("hyperparameter " + quote(v.given(parameter.name())) + " has no effect unless "
              + condition.description());
        }
      }
    }
  }
}
