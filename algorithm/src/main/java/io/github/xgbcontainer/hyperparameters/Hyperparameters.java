package io.github.xgbcontainer.hyperparameters;

import static io.github.xgbcontainer.hyperparameters.ValueType.quote;

import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.hyperparameters.Hyperparameter.Use;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The validated hyperparameters of one training job: typed, immutable, and the only way to get them
 * is {@link #parse}, which reports every problem of {@code hyperparameters.json} in one {@link
 * UserError}, one problem per line.
 *
 * <p>Checks that need facts known only later take them as arguments: {@link #checkChannels} once
 * the channels are known, {@link #checkFeatureCount} once the data is read, {@link #labelProblem}
 * per label.
 */
public final class Hyperparameters {

  /** XGBoost's truncation level for lambdarank_pair_method topk when none is given. */
  private static final int RANK_TRUNCATION = 32;

  /** Given values by canonical name, typed, after deprecated values were replaced. */
  private final Map<String, Object> given;
  private final Map<String, String> givenNames;
  private final List<String> warnings;
  private final List<String> evalMetrics;

  Hyperparameters(Map<String, Object> given, Map<String, String> givenNames, List<String> warnings) {
    this.given = Collections.unmodifiableMap(new LinkedHashMap<>(given));
    this.givenNames = Map.copyOf(givenNames);
    this.warnings = List.copyOf(warnings);
    this.evalMetrics = mergeMetrics();
  }

  /**
   * Validates SageMaker's hyperparameters, where every value is a string, possibly quoted or padded.
   * Keys starting with {@code sagemaker_} or {@code _sagemaker_} belong to SageMaker and are skipped.
   *
   * @throws UserError listing every problem, one per line
   */
  public static Hyperparameters parse(Map<String, String> raw) {
    return HyperparameterValidator.validate(raw);
  }

  /** The number of boosting rounds. */
  public int numRound() {
    return (Integer) given.get("num_round");
  }

  /** Rounds without improvement before training stops; empty for no early stopping. */
  public OptionalInt earlyStoppingRounds() {
    return optionalInt("early_stopping_rounds");
  }

  /**
   * The metrics to evaluate, in the order given, with the tuning objective metric appended when it is
   * not among them. Empty means XGBoost's default metric for the objective.
   */
  public List<String> evalMetrics() {
    return evalMetrics;
  }

  /**
   * The metrics XGBoost evaluates: {@link #evalMetrics} less the container's own. Empty means
   * XGBoost's default metric for the objective, which the official image then prints too.
   */
  public List<String> xgboostMetrics() {
    return evalMetrics.stream().filter(m -> ContainerMetric.of(m).isEmpty()).toList();
  }

  /** The container's own metrics among {@link #evalMetrics}, in that order. */
  public List<ContainerMetric> containerMetrics() {
    return evalMetrics.stream().flatMap(m -> ContainerMetric.of(m).stream()).toList();
  }

  /**
   * The metric whose score decides early stopping, as the official image picks it: the tuning
   * objective metric when set, else the last eval_metric given. Empty when neither is set: the
   * official image then trains every round, even with early_stopping_rounds.
   */
  @SuppressWarnings("unchecked")
  public Optional<String> stoppingMetric() {
    Optional<String> tuning = tuningObjectiveMetric().map(m -> m.substring(m.indexOf(':') + 1));
    if (tuning.isPresent()) {
      return tuning;
    }
    List<String> given = (List<String>) this.given.getOrDefault("eval_metric", List.of());
    return given.isEmpty() ? Optional.empty() : Optional.of(given.get(given.size() - 1));
  }

  /** The metric SageMaker tuning optimises, with its channel: {@code validation:auc}. */
  public Optional<String> tuningObjectiveMetric() {
    return Optional.ofNullable((String) given.get("_tuning_objective_metric"));
  }

  /** The XGBoost objective's name; reg:linear is already reg:squarederror. */
  public String objective() {
    return string("objective");
  }

  /** The XGBoost objective, typed: what to ask about it (ranks, classes, labels) instead of its name. */
  public Objective resolvedObjective() {
    return Objective.of(objective()).orElseThrow(() -> new IllegalStateException(
        "the table allows only XGBoost's objectives, not " + objective()));
  }

  /** The number of classes of a multi-class objective. */
  public OptionalInt numClass() {
    return optionalInt("num_class");
  }

  /** Whether the CSV column after the label holds instance weights. */
  public boolean csvWeights() {
    return (Boolean) effective("csv_weights");
  }

  /**
   * The 1-based CSV or Parquet column holding each row's query id (learning to rank); empty when
   * the rows have none there.
   */
  public OptionalInt queryColumn() {
    return optionalInt("query_column");
  }

  /** Whether the objective ranks (rank:pairwise, rank:ndcg, rank:map), which needs query groups. */
  public boolean ranks() {
    return resolvedObjective().isRanking();
  }

  /** Whether to save the model trained so far when the job is stopped. */
  public boolean saveModelOnTermination() {
    return (Boolean) effective("save_model_on_termination");
  }

  /** Whether to write mean |SHAP| per feature on the validation channel (off unless given). */
  public boolean shap() {
    return (Boolean) effective("shap");
  }

  /** {@code external_memory}: whether to train from external memory (auto unless given). */
  public ExternalMemory externalMemory() {
    return ExternalMemory.of(string("external_memory"));
  }

  /** The number of cross-validation folds; empty for no cross-validation. */
  public OptionalInt kfold() {
    return optionalInt("_kfold");
  }

  /** How many times cross-validation is repeated (1 unless given). */
  public int numCvRound() {
    return (Integer) effective("_num_cv_round");
  }

  /** The tree method XGBoost runs: gpu_hist is already hist (with device cuda). */
  public TreeMethod treeMethod() {
    return TreeMethod.of(string("tree_method"));
  }

  /**
   * Whether the trees are grown from a quantised matrix (XGBoost's QuantileDMatrix), which only
   * the hist updater ({@code grow_quantile_histmaker}) reads: exact ({@code grow_colmaker}) and
   * approx ({@code grow_histmaker}) trees, the refresh and prune passes on their own, and linear
   * boosters need the raw values. As in XGBoost, an {@code updater} list decides over
   * {@code tree_method}: {@code updater=grow_colmaker,prune} grows exact trees whatever the method.
   */
  @SuppressWarnings("unchecked")
  public boolean quantileMatrix() {
    if (booster() == BoosterType.GBLINEAR) {
      return false;
    }
    if (given.containsKey("updater")) {
      List<String> updaters = (List<String>) given.get("updater");
      return updaters.contains("grow_quantile_histmaker")
          && !updaters.contains("grow_colmaker") && !updaters.contains("grow_histmaker");
    }
    return treeMethod() == TreeMethod.HIST || treeMethod() == TreeMethod.AUTO;
  }

  /** The booster: gbtree, gblinear or dart. */
  public BoosterType booster() {
    return BoosterType.of(string("booster"));
  }

  /** The most histogram bins per feature ({@code max_bin}, default 256), for hist and approx matrices. */
  public int maxBin() {
    return (Integer) effective("max_bin");
  }

  /** The random seed ({@code seed}, default 0): XGBoost's, and cross-validation's fold split. */
  public int seed() {
    return (Integer) effective("seed");
  }

  /** The device XGBoost trains on: cpu unless given, cuda when tree_method was gpu_hist. */
  public String device() {
    if (!given.containsKey("device") && TreeMethod.GPU_HIST.equals(given.get("tree_method"))) {
      return "cuda";
    }
    return string("device");
  }

  /** Rounds between checkpoints. */
  public int checkpointFrequency() {
    return (Integer) effective("checkpoint_frequency");
  }

  /** Accepted settings that do nothing or were renamed; the trainer logs them. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * The parameters for xgboost4j ({@code XGBoost.train}, {@code Booster.setParam}): native XGBoost
   * keys only, with values as Integer, Double, Boolean or String (lists in XGBoost's text form).
   * It always holds {@code objective} and {@code seed}; other parameters only when given, so
   * XGBoost's own defaults apply. {@code eval_metric} is never in it: the trainer sets each metric.
   */
  public Map<String, Object> xgboostParams() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("objective", objective());
    params.put("seed", effective("seed"));
    for (Hyperparameter parameter : HyperparameterTable.ALL) {
      Object value = given.get(parameter.name());
      if (value == null || parameter.use() != Use.XGBOOST) {
        continue;
      }
      params.put(parameter.name(), nativeValue(value));
    }
    if (given.containsKey("tree_method")) {
      params.put("tree_method", treeMethod().nativeName());
    }
    if (!device().equals("cpu") || given.containsKey("device")) {
      params.put("device", device());
    }
    return Collections.unmodifiableMap(params);
  }

  private static Object nativeValue(Object value) {
    if (value instanceof List<?> list) {
      if (!list.isEmpty() && list.get(0) instanceof List<?>) {
        return list.stream()
            .map(group -> ((List<?>) group).stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]")))
            .collect(Collectors.joining(",", "[", "]"));
      }
      if (!list.isEmpty() && list.get(0) instanceof Integer) {
        return list.stream().map(String::valueOf).collect(Collectors.joining(",", "(", ")"));
      }
      if (!list.isEmpty() && list.get(0) instanceof Double) {
        return list.stream().map(d -> Interval.format((Double) d)).collect(Collectors.joining(",", "[", "]"));
      }
      return list.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return value;
  }

  /**
   * Fails when a channel a setting needs is missing: a validation tuning metric and SHAP need a
   * validation channel, except under cross-validation, whose folds provide one. Early stopping
   * without one is not an error: as in the official image, it is off (the trainer warns).
   *
   * @throws UserError listing every problem, one per line
   */
  public void checkChannels(boolean hasValidation) {
    if (hasValidation || kfold().isPresent()) {
      return;
    }
    List<String> errors = new ArrayList<>();
    tuningObjectiveMetric().filter(m -> m.startsWith("validation:")).ifPresent(m -> errors.add(
        "hyperparameter " + quote(givenName("_tuning_objective_metric")) + ": " + quote(m)
            + " needs a 'validation' channel"));
    if (shap()) {
      errors.add("hyperparameter " + quote(givenName("shap"))
          + " needs a 'validation' channel; perhaps you should add one or set shap to false");
    }
    failIfAny(errors);
  }

  /**
   * Fails when the feature constraints do not fit the data: more monotone constraints than features
   * (XGBoost pads fewer with 0), or an interaction constraint naming a feature index the data lacks.
   *
   * @throws UserError listing every problem, one per line
   */
  @SuppressWarnings("unchecked")
  public void checkFeatureCount(int features) {
    List<String> errors = new ArrayList<>();
    List<Integer> monotone = (List<Integer>) given.get("monotone_constraints");
    if (monotone != null && monotone.size() > features) {
      errors.add("hyperparameter " + quote(givenName("monotone_constraints")) + ": has " + monotone.size()
          + " constraints but the data has " + features + " features");
    }
    List<List<Integer>> interactions = (List<List<Integer>>) given.get("interaction_constraints");
    if (interactions != null) {
      interactions.stream().flatMap(List::stream).filter(i -> i >= features).distinct().sorted()
          .forEach(i -> errors.add("hyperparameter " + quote(givenName("interaction_constraints"))
              + ": feature index " + i + " is out of range for " + features + " features"));
    }
    failIfAny(errors);
  }

  /**
   * Why {@code label} is not valid for this job's objective (taking num_class and ndcg_exp_gain into
   * account), e.g. {@code label 2.0 is not valid for binary:logistic, which needs labels in [0, 1]};
   * empty when it is valid.
   */
  public Optional<String> labelProblem(float label) {
    return labelCheck().problem(label);
  }

  /**
   * This job's label rule, resolved once: what a loop over every row of a channel calls, with no
   * allocation per valid label.
   */
  public LabelCheck labelCheck() {
    Objective resolved = resolvedObjective();
    OptionalInt classes = numClass();
    boolean expGain = (Boolean) effective("ndcg_exp_gain");
    return label -> resolved.labelProblem(label, classes, expGain);
  }

  /** Checks one label against the job's objective. */
  @FunctionalInterface
  public interface LabelCheck {
    /** Why {@code label} is not valid; empty when it is. */
    Optional<String> problem(float label);
  }

  /**
   * Why {@code label} is not valid for {@code objective} under XGBoost's defaults; empty when valid.
   *
   * @throws IllegalArgumentException when {@code objective} is not an XGBoost objective
   */
  public static Optional<String> labelProblem(String objective, float label, OptionalInt numClass) {
    return objectiveNamed(objective).labelProblem(label, numClass, true);
  }

  /**
   * The metric XGBoost evaluates by default for this job, named as XGBoost names it: with the
   * variance power for reg:tweedie, with the truncation level for rank objectives under
   * lambdarank_pair_method topk ({@code ndcg@32}) and without one under mean ({@code ndcg}).
   */
  public String defaultMetric() {
    Objective objective = resolvedObjective();
    if (objective == Objective.REG_TWEEDIE) {
      return "tweedie-nloglik@" + Interval.format((Double) effective("tweedie_variance_power"));
    }
    if (objective.isRanking()) {
      String metric = EvalMetric.baseName(objective.defaultMetric());
      if (string("lambdarank_pair_method").equals("mean")) {
        return metric;
      }
      OptionalInt pairs = optionalInt("lambdarank_num_pair_per_sample");
      return metric + "@" + (pairs.isPresent() ? pairs.getAsInt() : RANK_TRUNCATION);
    }
    return objective.defaultMetric();
  }

  /** XGBoost's default evaluation metric for an objective; empty when it is not one. */
  public static Optional<String> defaultMetric(String objective) {
    String name = objective.equals(Objective.DEPRECATED_LINEAR) ? "reg:squarederror" : objective;
    return Objective.of(name).map(Objective::defaultMetric);
  }

  /**
   * Whether a larger value of {@code metric} is better: auc, aucpr, map, ndcg, pre and
   * interval-regression-accuracy, with or without an {@code @} argument, and the container's own
   * classification metrics and r2.
   */
  public static boolean maximizes(String metric) {
    return EvalMetric.maximizes(metric);
  }

  /** The hyperparameter table as Markdown, the text between the README's markers. */
  public static String markdownTable() {
    return HyperparameterTable.markdownTable();
  }

  private static Objective objectiveNamed(String objective) {
    String name = objective.equals(Objective.DEPRECATED_LINEAR) ? "reg:squarederror" : objective;
    return Objective.of(name)
        .orElseThrow(() -> new IllegalArgumentException("not an XGBoost objective: " + objective));
  }

  @SuppressWarnings("unchecked")
  private List<String> mergeMetrics() {
    List<String> metrics = new ArrayList<>((List<String>) given.getOrDefault("eval_metric", List.of()));
    metrics = new ArrayList<>(metrics.stream().distinct().toList());
    Optional<String> tuning = tuningObjectiveMetric().map(m -> m.substring(m.indexOf(':') + 1));
    if (tuning.isPresent() && !metrics.contains(tuning.get())) {
      metrics.add(tuning.get());
    }
    return List.copyOf(metrics);
  }

  private Object effective(String name) {
    Object value = given.get(name);
    return value != null ? value : HyperparameterTable.defaultOf(name).orElseThrow();
  }

  private String string(String name) {
    return (String) effective(name);
  }

  private OptionalInt optionalInt(String name) {
    Integer value = (Integer) given.get(name);
    return value == null ? OptionalInt.empty() : OptionalInt.of(value);
  }

  private String givenName(String name) {
    return givenNames.getOrDefault(name, name);
  }

  private static void failIfAny(List<String> errors) {
    if (!errors.isEmpty()) {
      throw new UserError(String.join("\n", errors));
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Hyperparameters that && given.equals(that.given);
  }

  @Override
  public int hashCode() {
    return given.hashCode();
  }

  @Override
  public String toString() {
    return "Hyperparameters" + given;
  }
}
