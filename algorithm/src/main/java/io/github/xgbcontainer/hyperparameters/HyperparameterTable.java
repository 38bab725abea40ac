package io.github.xgbcontainer.hyperparameters;

import static io.github.xgbcontainer.hyperparameters.Hyperparameter.of;
import static io.github.xgbcontainer.hyperparameters.ValueType.BOOLEAN;
import static io.github.xgbcontainer.hyperparameters.ValueType.CATEGORY;
import static io.github.xgbcontainer.hyperparameters.ValueType.CATEGORY_LIST;
import static io.github.xgbcontainer.hyperparameters.ValueType.CHANNEL_METRIC;
import static io.github.xgbcontainer.hyperparameters.ValueType.DEVICE;
import static io.github.xgbcontainer.hyperparameters.ValueType.FLAG;
import static io.github.xgbcontainer.hyperparameters.ValueType.FLOAT;
import static io.github.xgbcontainer.hyperparameters.ValueType.FLOAT_OR_LIST;
import static io.github.xgbcontainer.hyperparameters.ValueType.INTEGER;
import static io.github.xgbcontainer.hyperparameters.ValueType.INTERACTION;
import static io.github.xgbcontainer.hyperparameters.ValueType.METRIC_LIST;
import static io.github.xgbcontainer.hyperparameters.ValueType.MONOTONE;

import io.github.xgbcontainer.hyperparameters.Hyperparameter.Use;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one table of hyperparameters: what the official SageMaker XGBoost image accepts, plus the
 * parameters XGBoost 3 added. Validation, the xgboost4j parameter map and the README table are all
 * read from it.
 *
 * <p>Ranges and defaults follow https://xgboost.readthedocs.io/en/stable/parameter.html; the
 * SageMaker-only parameters follow
 * https://docs.aws.amazon.com/sagemaker/latest/dg/xgboost_hyperparameters.html.
 */
final class HyperparameterTable {

  private static final Set<String> RANK_OBJECTIVES = Set.of("rank:ndcg", "rank:map", "rank:pairwise");
  private static final List<String> OBJECTIVES =
      Stream.concat(Objective.nativeNames().stream(), Stream.of(Objective.DEPRECATED_LINEAR)).toList();

  /**
   * Tree updaters of the CPU build of xgboost4j 3.4; the GPU ones (grow_gpu_hist, grow_gpu_approx)
   * are unknown to it, as are those XGBoost removed (distcol, grow_skmaker, grow_local_histmaker).
   */
  static final List<String> TREE_UPDATERS =
      List.of("grow_colmaker", "grow_histmaker", "grow_quantile_histmaker", "sync", "refresh", "prune");

  static final List<String> LINEAR_UPDATERS = List.of("shotgun", "coord_descent");

  static final List<Hyperparameter> ALL =
      List.of(
          // SageMaker and this container.
          of("num_round", INTEGER).range(Interval.atLeast(1)).required().use(Use.CONTAINER)
              .doc("Number of boosting rounds."),
          of("early_stopping_rounds", INTEGER).range(Interval.atLeast(1)).use(Use.CONTAINER)
              .whenUnset("no early stopping")
              .doc("Stop when the stopping metric on the validation channel has not improved for this many rounds, "
                  + "and save the model of the best round. Off, with a warning, without a validation channel or "
                  + "without eval_metric or _tuning_objective_metric."),
          of("csv_weights", FLAG).byDefault("0").use(Use.CONTAINER)
              .doc("Read the CSV column after the label as instance weights."),
          of("query_column", INTEGER).range(Interval.atLeast(2)).use(Use.CONTAINER)
              .whenUnset("none: CSV and Parquet rows have no query")
              .doc("Learning to rank with CSV or Parquet: the column (1-based, the label is column 1) holding each row's query id, a whole number up to 2^24; it is not a feature. LibSVM rows use qid: instead."),
          of("save_model_on_termination", BOOLEAN).byDefault("false").use(Use.CONTAINER)
              .doc("Save the model trained so far when the job is stopped."),
          of("shap", BOOLEAN).byDefault("false").use(Use.CONTAINER)
              .doc("Write mean |SHAP| per feature on the validation channel (shap_summary.json, shap_summary.png); keeps a plain copy of the validation rows during training."),
          of("use_dask_gpu_training", BOOLEAN).byDefault("false").use(Use.CONTAINER)
              .doc("Dask training on every GPU of every host in the official image; here true trains as false does, one process per host on the device that device names, with a warning."),
          of("checkpoint_frequency", INTEGER).range(Interval.atLeast(1)).byDefault("1").use(Use.CONTAINER)
              .doc("Rounds between checkpoints, when the job has a checkpoint location."),
          of("external_memory", CATEGORY).allowed("auto", "true", "false").byDefault("auto").use(Use.CONTAINER)
              .doc("Train from external memory: the parsed rows and XGBoost's histogram pages are kept on disk (SM_EXTERNAL_MEMORY_DIR, default the JVM's temporary folder) and read back at every round. auto uses it when the estimated in-memory need exceeds the memory the container may use; false fails before building when the data cannot fit. Needs the hist tree method; not with _kfold."),
          of("_kfold", INTEGER).range(Interval.atLeast(2)).use(Use.CONTAINER).whenUnset("no cross-validation")
              .doc("Number of folds for k-fold cross-validation."),
          of("_num_cv_round", INTEGER).range(Interval.atLeast(1)).byDefault("1").use(Use.CONTAINER)
              .doc("Times k-fold cross-validation is repeated; needs _kfold."),
          of("_tuning_objective_metric", CHANNEL_METRIC).use(Use.CONTAINER).whenUnset("none")
              .doc("Set by SageMaker model tuning, e.g. validation:auc; joins eval_metric and drives early stopping."),
          // General parameters.
          of("booster", CATEGORY).allowed(BoosterType.nativeNames()).byDefault("gbtree")
              .doc("Tree booster, linear booster, or trees with dropout."),
          of("device", DEVICE).byDefault("cpu")
              .doc("Device to train on; tree_method gpu_hist implies cuda."),
          of("verbosity", INTEGER).range(Interval.closed(0, 3)).byDefault("1")
              .doc("XGBoost log level: 0 silent, 1 warning, 2 info, 3 debug."),
          of("nthread", INTEGER).range(Interval.atLeast(1)).whenUnset("all cores")
              .doc("Threads XGBoost uses."),
          of("seed", INTEGER).byDefault("0")
              .doc("Random seed."),
          // Tree booster.
          of("eta", FLOAT).aliases("learning_rate").range(Interval.closed(0, 1)).byDefault("0.3")
              .doc("Step size shrinkage applied to each new tree."),
          of("gamma", FLOAT).aliases("min_split_loss").range(Interval.atLeast(0)).byDefault("0")
              .doc("Minimum loss reduction needed to split a leaf."),
          of("max_depth", INTEGER).range(Interval.atLeast(0)).byDefault("6")
              .doc("Maximum tree depth; 0 means no limit, which tree_method exact refuses."),
          of("min_child_weight", FLOAT).range(Interval.atLeast(0)).byDefault("1")
              .doc("Minimum sum of instance weight (hessian) in a child."),
          of("max_delta_step", FLOAT).range(Interval.atLeast(0)).byDefault("0")
              .doc("Maximum step of each leaf output; 0 means no limit."),
          of("subsample", FLOAT).range(Interval.openClosed(0, 1)).byDefault("1")
              .doc("Fraction of rows sampled for each tree."),
          of("sampling_method", CATEGORY).allowed("uniform", "gradient_based").byDefault("uniform")
              .doc("How rows are sampled when subsample is below 1."),
          of("colsample_bytree", FLOAT).range(Interval.openClosed(0, 1)).byDefault("1")
              .doc("Fraction of columns sampled for each tree."),
          of("colsample_bylevel", FLOAT).range(Interval.openClosed(0, 1)).byDefault("1")
              .doc("Fraction of columns sampled for each tree level."),
          of("colsample_bynode", FLOAT).range(Interval.openClosed(0, 1)).byDefault("1")
              .doc("Fraction of columns sampled for each split."),
          of("lambda", FLOAT).aliases("reg_lambda").range(Interval.atLeast(0)).byDefault("1")
              .doc("L2 regularization on weights."),
          of("alpha", FLOAT).aliases("reg_alpha").range(Interval.atLeast(0)).byDefault("0")
              .doc("L1 regularization on weights."),
          of("tree_method", CATEGORY).allowed(TreeMethod.acceptedNames()).byDefault("auto")
              .doc("Tree construction algorithm; gpu_hist means hist on device cuda."),
          of("scale_pos_weight", FLOAT).range(Interval.above(0)).byDefault("1")
              .doc("Weight of positive examples, for unbalanced classes."),
          of("updater", CATEGORY_LIST).allowed(concat(TREE_UPDATERS, LINEAR_UPDATERS))
              .whenUnset("chosen by XGBoost")
              .doc("Tree updaters to run in order, or one linear updater for gblinear."),
          of("refresh_leaf", FLAG).byDefault("1")
              .doc("Whether the refresh updater also updates leaf values."),
          of("process_type", CATEGORY).allowed("default", "update").byDefault("default")
              .doc("Build new trees, or update existing ones with refresh and prune."),
          of("grow_policy", CATEGORY).allowed("depthwise", "lossguide").byDefault("depthwise")
              .doc("Split nodes closest to the root, or with the largest loss change (hist and approx only)."),
          of("max_leaves", INTEGER).range(Interval.atLeast(0)).byDefault("0")
              .doc("Maximum number of leaves; 0 means no limit."),
          of("max_bin", INTEGER).range(Interval.atLeast(2)).byDefault("256")
              .doc("Maximum number of histogram bins per feature (hist and approx)."),
          of("num_parallel_tree", INTEGER).range(Interval.atLeast(1)).byDefault("1")
              .doc("Trees built in each round (boosted random forest)."),
          of("monotone_constraints", MONOTONE).whenUnset("none")
              .doc("One of -1, 0, 1 per feature, e.g. (1,0,-1); at most one per feature."),
          of("interaction_constraints", INTERACTION).whenUnset("none")
              .doc("Groups of feature indices allowed to interact, e.g. [[0,1],[2,3]]."),
          of("multi_strategy", CATEGORY).allowed("one_output_per_tree", "multi_output_tree")
              .byDefault("one_output_per_tree")
              .doc("One tree per target, or vector-leaf trees (hist only)."),
          of("max_cached_hist_node", INTEGER).range(Interval.atLeast(1)).byDefault("65536")
              .doc("Maximum number of cached histogram nodes."),
          of("max_cat_to_onehot", INTEGER).range(Interval.atLeast(1)).byDefault("4")
              .doc("Categorical features with fewer categories use one-hot splits."),
          of("max_cat_threshold", INTEGER).range(Interval.atLeast(1)).byDefault("64")
              .doc("Maximum categories considered for each categorical split."),
          // Dart booster.
          of("sample_type", CATEGORY).allowed("uniform", "weighted").byDefault("uniform")
              .appliesWhen("booster", Set.of("dart"), "booster is dart")
              .doc("How dart picks trees to drop."),
          of("normalize_type", CATEGORY).allowed("tree", "forest").byDefault("tree")
              .appliesWhen("booster", Set.of("dart"), "booster is dart")
              .doc("How dart weights new and dropped trees."),
          of("rate_drop", FLOAT).range(Interval.closed(0, 1)).byDefault("0")
              .appliesWhen("booster", Set.of("dart"), "booster is dart")
              .doc("Fraction of trees dropped in each round."),
          of("one_drop", FLAG).byDefault("0")
              .appliesWhen("booster", Set.of("dart"), "booster is dart")
              .doc("Always drop at least one tree."),
          of("skip_drop", FLOAT).range(Interval.closed(0, 1)).byDefault("0")
              .appliesWhen("booster", Set.of("dart"), "booster is dart")
              .doc("Probability of skipping dropout in a round."),
          // Linear booster.
          of("feature_selector", CATEGORY).allowed("cyclic", "shuffle", "random", "greedy", "thrifty")
              .byDefault("cyclic")
              .appliesWhen("booster", Set.of("gblinear"), "booster is gblinear")
              .doc("Feature order of the linear updater; random, greedy and thrifty need updater coord_descent."),
          of("top_k", INTEGER).range(Interval.atLeast(0)).byDefault("0")
              .appliesWhen("feature_selector", Set.of("greedy", "thrifty"), "feature_selector is greedy or thrifty")
              .doc("Features considered by the greedy and thrifty selectors; 0 means all."),
          // Learning task.
          of("objective", CATEGORY).allowed(OBJECTIVES).byDefault("reg:squarederror")
              .doc("Learning objective; reg:linear is the deprecated name of reg:squarederror."),
          of("num_class", INTEGER).range(Interval.atLeast(2)).whenUnset("none")
              .doc("Number of classes; required by multi:softmax and multi:softprob, refused by others."),
          of("base_score", FLOAT).whenUnset("estimated from the labels")
              .doc("Initial prediction of every row."),
          of("eval_metric", METRIC_LIST).use(Use.CONTAINER).whenUnset("the objective's default")
              .doc("Metrics to evaluate; the last one drives early stopping unless a tuning metric is set."),
          of("tweedie_variance_power", FLOAT).range(Interval.open(1, 2)).byDefault("1.5")
              .appliesWhen("objective", Set.of("reg:tweedie"), "objective is reg:tweedie")
              .doc("Variance power of the Tweedie distribution."),
          of("huber_slope", FLOAT).range(Interval.above(0)).byDefault("1")
              .appliesWhen("objective", Set.of("reg:pseudohubererror"), "objective is reg:pseudohubererror")
              .doc("Delta of the pseudo-Huber loss."),
          of("quantile_alpha", FLOAT_OR_LIST).range(Interval.open(0, 1)).whenUnset("none")
              .doc("Target quantile or list of quantiles, e.g. [0.1,0.5,0.9]; required by reg:quantileerror."),
          of("aft_loss_distribution", CATEGORY).allowed("normal", "logistic", "extreme").byDefault("normal")
              .appliesWhen("objective", Set.of("survival:aft"), "objective is survival:aft")
              .doc("Distribution of the survival:aft error term."),
          of("aft_loss_distribution_scale", FLOAT).range(Interval.above(0)).byDefault("1")
              .appliesWhen("objective", Set.of("survival:aft"), "objective is survival:aft")
              .doc("Scale of the survival:aft error distribution."),
          of("lambdarank_pair_method", CATEGORY).allowed("mean", "topk").byDefault("topk")
              .appliesWhen("objective", RANK_OBJECTIVES, "objective is rank:*")
              .doc("How pairs are built for learning to rank."),
          of("lambdarank_num_pair_per_sample", INTEGER).range(Interval.atLeast(1))
              .whenUnset("chosen by XGBoost")
              .appliesWhen("objective", RANK_OBJECTIVES, "objective is rank:*")
              .doc("Pairs per document (mean), or the truncation level (topk)."),
          of("lambdarank_unbiased", BOOLEAN).byDefault("false")
              .appliesWhen("objective", RANK_OBJECTIVES, "objective is rank:*")
              .doc("Correct position bias in click data."),
          of("lambdarank_bias_norm", FLOAT).range(Interval.atLeast(0)).byDefault("2")
              .appliesWhen("objective", RANK_OBJECTIVES, "objective is rank:*")
              .doc("Lp norm for position debiasing."),
          of("ndcg_exp_gain", BOOLEAN).byDefault("true")
              .doc("Exponential NDCG gain 2^rel - 1, which needs relevance in [0, 31]."),
          // Accepted by the official image for older XGBoost versions; XGBoost 3 no longer has them.
          of("sketch_eps", FLOAT).range(Interval.open(0, 1)).use(Use.IGNORED).whenUnset("none")
              .doc("Removed from XGBoost; approx uses max_bin."),
          of("dsplit", CATEGORY).allowed("row", "col").use(Use.IGNORED).whenUnset("none")
              .doc("Removed from XGBoost."),
          of("predictor", CATEGORY).allowed("auto", "cpu_predictor", "gpu_predictor").use(Use.IGNORED)
              .whenUnset("none")
              .doc("Removed in XGBoost 2; device picks the predictor."),
          of("lambda_bias", FLOAT).range(Interval.closed(0, 1)).use(Use.IGNORED).whenUnset("none")
              .doc("Removed from XGBoost."),
          of("single_precision_histogram", BOOLEAN).use(Use.IGNORED).whenUnset("none")
              .doc("Removed from XGBoost."),
          of("deterministic_histogram", BOOLEAN).use(Use.IGNORED).whenUnset("none")
              .doc("Removed from XGBoost."),
          of("prob_buffer_row", INTEGER).range(Interval.above(1)).use(Use.IGNORED).whenUnset("none")
              .doc("Removed from XGBoost."));

  private static final Map<String, Hyperparameter> BY_NAME = index();

  private HyperparameterTable() {}

  private static Map<String, Hyperparameter> index() {
    Map<String, Hyperparameter> byName = new LinkedHashMap<>();
    for (Hyperparameter parameter : ALL) {
      for (String name : names(parameter)) {
        if (byName.put(name, parameter) != null) {
          throw new IllegalStateException("hyperparameter table names '" + name + "' twice");
        }
      }
    }
    return Map.copyOf(byName);
  }

  /** The row named {@code name} or one of its aliases. */
  static Optional<Hyperparameter> lookup(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The row of a canonical name that is known to be in the table. */
  static Hyperparameter get(String canonicalName) {
    Hyperparameter parameter = BY_NAME.get(canonicalName);
    if (parameter == null || !parameter.name().equals(canonicalName)) {
      throw new IllegalArgumentException("not a canonical hyperparameter name: " + canonicalName);
    }
    return parameter;
  }

  /** The parsed default of a parameter; empty when it has none. */
  static Optional<Object> defaultOf(String canonicalName) {
    Hyperparameter parameter = get(canonicalName);
    if (parameter.defaultValue() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(parameter.type().parse(parameter.defaultValue()));
    } catch (InvalidValue e) {
      throw new IllegalStateException("default of " + canonicalName + " does not parse: " + e.getMessage());
    }
  }

  /** Every name and alias, in table order. */
  static List<String> allNames() {
    return ALL.stream().flatMap(p -> names(p).stream()).toList();
  }

  private static List<String> names(Hyperparameter parameter) {
    List<String> names = new ArrayList<>();
    names.add(parameter.name());
    names.addAll(parameter.aliases());
    return names;
  }

  private static List<String> concat(List<String> first, List<String> second) {
    return Stream.concat(first.stream(), second.stream()).toList();
  }

  /** The table as Markdown, one row per hyperparameter, ending in a newline. */
  static String markdownTable() {
    StringBuilder out = new StringBuilder();
    out.append("| name | aliases | type | default | range / allowed | description |\n");
    out.append("|---|---|---|---|---|---|\n");
    for (Hyperparameter p : ALL) {
      out.append("| ").append(code(p.name()))
          .append(" | ").append(p.aliases().stream().map(HyperparameterTable::code).collect(Collectors.joining(", ")))
          .append(" | ").append(p.type().docName())
          .append(" | ").append(defaultCell(p))
          .append(" | ").append(allowedCell(p))
          .append(" | ").append(escape(description(p)))
          .append(" |\n");
    }
    return out.toString();
  }

  private static String defaultCell(Hyperparameter p) {
    if (p.required()) {
      return "**required**";
    }
    return p.defaultValue() != null ? code(p.defaultValue()) : escape(p.unsetMeaning());
  }

  private static String allowedCell(Hyperparameter p) {
    if (!p.allowed().isEmpty()) {
      return p.allowed().stream().map(HyperparameterTable::code).collect(Collectors.joining(", "));
    }
    if (p.range() != null) {
      return code(p.range().toString());
    }
    return switch (p.type()) {
      case INTEGER -> "any integer";
      case FLOAT -> "any float";
      case BOOLEAN -> "`true`, `false`";
      case FLAG -> "`0`, `1`, `true`, `false`";
      case METRIC_LIST ->
          EvalMetric.NAMES.stream().map(HyperparameterTable::code).collect(Collectors.joining(", "))
              + "; `ndcg@n`, `map@n`, `pre@n`, `ndcg@n-`, `map@n-`, `error@t`, `ams@t`, `tweedie-nloglik@rho`; "
              + "the container's own "
              + ContainerMetric.names().stream().map(HyperparameterTable::code).collect(Collectors.joining(", "));
      case CHANNEL_METRIC -> "`train:` or `validation:` and a metric";
      case DEVICE -> "`cpu`, `cuda`, `cuda:N`, `gpu`, `gpu:N`";
      case MONOTONE -> "`-1`, `0`, `1` per feature";
      case INTERACTION -> "feature indices >= 0";
      case CATEGORY, CATEGORY_LIST, FLOAT_OR_LIST -> "any";
    };
  }

  private static String description(Hyperparameter p) {
    if (p.use() == Use.IGNORED) {
      return "Accepted and ignored. " + p.doc();
    }
    return p.appliesWhen() == null
        ? p.doc()
        : p.doc() + " Only when " + p.appliesWhen().description() + ".";
  }

  private static String code(String text) {
    return "`" + text + "`";
  }

  private static String escape(String text) {
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }
}
