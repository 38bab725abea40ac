package io.github.xgbcontainer.hyperparameters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.error.UserError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class HyperparametersTest {

  /** The hyperparameters with num_round added, as most cases need it. */
  private static Hyperparameters parse(String... keyValues) {
    Map<String, String> raw = new HashMap<>();
    raw.put("num_round", "10");
    for (int i = 0; i < keyValues.length; i += 2) {
      raw.put(keyValues[i], keyValues[i + 1]);
    }
    return Hyperparameters.parse(raw);
  }

  private static String failure(String... keyValues) {
    return assertThrows(UserError.class, () -> parse(keyValues)).getMessage();
  }

  // The typical job and defaults.

  @Test
  void parse_typicalSageMakerJob() {
    Hyperparameters h =
        Hyperparameters.parse(
            Map.of(
                "num_round", "10",
                "objective", "binary:logistic",
                "eta", "0.2",
                "max_depth", "5",
                "eval_metric", "auc,logloss"));

    assertEquals(10, h.numRound());
    assertEquals("binary:logistic", h.objective());
    assertEquals(List.of("auc", "logloss"), h.evalMetrics());
    assertEquals(Optional.of("logloss"), h.stoppingMetric());
    assertEquals(
        Map.of("objective", "binary:logistic", "seed", 0, "eta", 0.2, "max_depth", 5), h.xgboostParams());
    assertEquals(List.of(), h.warnings());
  }

  /** The objective as a value to ask (ranks, binary, classes), its name kept for messages and XGBoost. */
  @Test
  void resolvedObjective_isTheTypedObjective_reg_linearIncluded() {
    assertEquals(Objective.REG_SQUAREDERROR, parse().resolvedObjective());
    assertEquals(Objective.REG_SQUAREDERROR, parse("objective", "reg:linear").resolvedObjective());
    Hyperparameters logitraw = parse("objective", "binary:logitraw");
    assertEquals(Objective.BINARY_LOGITRAW, logitraw.resolvedObjective());
    assertEquals("binary:logitraw", logitraw.objective());
    assertTrue(logitraw.resolvedObjective().isBinary());
    assertFalse(logitraw.ranks());
    Hyperparameters ndcg = parse("objective", "rank:ndcg");
    assertTrue(ndcg.ranks());
    assertFalse(ndcg.resolvedObjective().isBinary());
    for (Objective o : Objective.values()) {
      Hyperparameters h = o.isMultiClass() ? parse("objective", o.nativeName(), "num_class", "3")
          : o == Objective.REG_QUANTILEERROR ? parse("objective", o.nativeName(), "quantile_alpha", "0.5")
          : parse("objective", o.nativeName());
      assertEquals(o, h.resolvedObjective());
      assertEquals(o.nativeName().startsWith("binary:"), o.isBinary(), o.nativeName());
      assertEquals(o.nativeName().startsWith("rank:"), h.ranks(), o.nativeName());
    }
  }

  @Test
  void parse_defaultsWhenOnlyNumRoundIsGiven() {
    Hyperparameters h = parse();

    assertEquals("reg:squarederror", h.objective());
    assertEquals(OptionalInt.empty(), h.earlyStoppingRounds());
    assertEquals(List.of(), h.evalMetrics());
    assertEquals(Optional.empty(), h.stoppingMetric());
    assertEquals(OptionalInt.empty(), h.numClass());
    assertFalse(h.csvWeights());
    assertFalse(h.saveModelOnTermination());
    assertEquals(OptionalInt.empty(), h.kfold());
    assertEquals(1, h.numCvRound());
    assertEquals(TreeMethod.AUTO, h.treeMethod());
    assertEquals(BoosterType.GBTREE, h.booster());
    assertEquals(256, h.maxBin());
    assertEquals(0, h.seed());
    assertEquals("cpu", h.device());
    assertEquals(1, h.checkpointFrequency());
    assertEquals(Map.of("objective", "reg:squarederror", "seed", 0), h.xgboostParams());
  }

  @Test
  void xgboostParams_leaveOutContainerKeys() {
    Hyperparameters h =
        parse(
            "early_stopping_rounds", "5",
            "csv_weights", "1",
            "save_model_on_termination", "true",
            "checkpoint_frequency", "3",
            "_kfold", "3",
            "_num_cv_round", "2",
            "eval_metric", "rmse",
            "_tuning_objective_metric", "validation:rmse");

    assertEquals(Map.of("objective", "reg:squarederror", "seed", 0), h.xgboostParams());
    assertEquals(OptionalInt.of(5), h.earlyStoppingRounds());
    assertTrue(h.csvWeights());
    assertTrue(h.saveModelOnTermination());
    assertEquals(3, h.checkpointFrequency());
    assertEquals(OptionalInt.of(3), h.kfold());
    assertEquals(2, h.numCvRound());
  }

  @Test
  void xgboostParams_typeValuesForTheNativeSide() {
    Hyperparameters h =
        parse(
            "booster", "dart",
            "one_drop", "1",
            "rate_drop", "0.1",
            "verbosity", "2",
            "seed", "42",
            "updater", "grow_colmaker, prune",
            "monotone_constraints", "[1, 0, -1]",
            "interaction_constraints", "[[0, 1], [2, 3]]");

    Map<String, Object> params = h.xgboostParams();
    assertEquals(true, params.get("one_drop"));
    assertEquals(0.1, params.get("rate_drop"));
    assertEquals(2, params.get("verbosity"));
    assertEquals(42, params.get("seed"));
    assertEquals("grow_colmaker,prune", params.get("updater"));
    assertEquals("(1,0,-1)", params.get("monotone_constraints"));
    assertEquals("[[0,1],[2,3]]", params.get("interaction_constraints"));
    assertEquals("dart", params.get("booster"));
  }

  // Phase 1: aliases and unknown keys.

  @Test
  void parse_acceptsAliasUnderTheCanonicalName() {
    Hyperparameters h = parse("learning_rate", "0.2", "reg_lambda", "2", "reg_alpha", "0.5", "min_split_loss", "1");

    assertEquals(0.2, h.xgboostParams().get("eta"));
    assertEquals(2.0, h.xgboostParams().get("lambda"));
    assertEquals(0.5, h.xgboostParams().get("alpha"));
    assertEquals(1.0, h.xgboostParams().get("gamma"));
    assertFalse(h.xgboostParams().containsKey("learning_rate"));
  }

  @Test
  void parse_rejectsAliasGivenTwiceWithDifferentValues() {
    assertEquals(
        "hyperparameters 'eta' and 'learning_rate' are the same parameter but have different values, "
            + "'0.1' and '0.2'; give only one",
        failure("learning_rate", "0.2", "eta", "0.1"));
  }

  @Test
  void parse_acceptsAliasGivenTwiceWithTheSameValue() {
    assertEquals(0.1, parse("learning_rate", "0.1", "eta", " 0.1 ").xgboostParams().get("eta"));
  }

  @Test
  void parse_rejectsUnknownKeyNamingTheClosest() {
    assertEquals("unknown hyperparameter 'etta', did you mean 'eta'?", failure("etta", "0.1"));
    assertEquals("unknown hyperparameter 'num_rounds', did you mean 'num_round'?", failure("num_rounds", "3"));
    assertEquals(
        "unknown hyperparameter 'learningrate', did you mean 'learning_rate'?", failure("learningrate", "0.1"));
    assertEquals("unknown hyperparameter 'ETA', did you mean 'eta'?", failure("ETA", "0.1"));
  }

  @Test
  void parse_rejectsUnknownKeyWithoutSuggestionWhenNothingIsClose() {
    assertEquals("unknown hyperparameter 'xyz'", failure("xyz", "1"));
    assertEquals("unknown hyperparameter 'learning_speed'", failure("learning_speed", "1"));
  }

  @Test
  void parse_ignoresSageMakerKeys() {
    Hyperparameters h =
        parse(
            "sagemaker_program", "train.py",
            "sagemaker_region", "\"us-west-2\"",
            "_sagemaker_estimator_class_name", "XGBoost");

    assertEquals(Map.of("objective", "reg:squarederror", "seed", 0), h.xgboostParams());
  }

  // Phase 2: required.

  @Test
  void parse_rejectsMissingNumRound() {
    UserError e = assertThrows(UserError.class, () -> Hyperparameters.parse(Map.of("eta", "0.1")));

    assertEquals("missing required hyperparameter 'num_round'", e.getMessage());
  }

  // Phase 3: parse.

  @Test
  void parse_trimsWhitespaceAndQuotes() {
    Hyperparameters h = parse("eta", " \"0.5\" ", "max_depth", "'4'", "objective", "  binary:logistic\n");

    assertEquals(0.5, h.xgboostParams().get("eta"));
    assertEquals(4, h.xgboostParams().get("max_depth"));
    assertEquals("binary:logistic", h.objective());
  }

  @Test
  void parse_rejectsNonIntegerMaxDepth() {
    assertEquals("hyperparameter 'max_depth': 'abc' is not an integer", failure("max_depth", "abc"));
    assertEquals("hyperparameter 'max_depth': '5.0' is not an integer", failure("max_depth", "5.0"));
  }

  @Test
  void parse_rejectsIntegerBeyondInt() {
    assertEquals(
        "hyperparameter 'seed': '3000000000' is not an integer in [-2147483648, 2147483647]",
        failure("seed", "3000000000"));
  }

  @Test
  void parse_rejectsNonNumbers() {
    assertEquals("hyperparameter 'eta': 'fast' is not a number", failure("eta", "fast"));
    assertEquals("hyperparameter 'eta': 'NaN' is not a number", failure("eta", "NaN"));
    assertEquals("hyperparameter 'eta': '' is not a number", failure("eta", ""));
    assertEquals("hyperparameter 'gamma': '1e999' is not a finite number", failure("gamma", "1e999"));
  }

  @Test
  void parse_readsBooleansInAnyCase() {
    assertTrue(parse("save_model_on_termination", "TRUE").saveModelOnTermination());
    assertFalse(parse("save_model_on_termination", "False").saveModelOnTermination());
  }

  @Test
  void parse_readsZeroAndOneWhereTheOfficialImageDoes() {
    assertTrue(parse("csv_weights", "1").csvWeights());
    assertFalse(parse("csv_weights", "0").csvWeights());
    assertTrue(parse("csv_weights", "true").csvWeights());
    assertEquals(
        "hyperparameter 'save_model_on_termination': '1' is not true or false",
        failure("save_model_on_termination", "1"));
    assertEquals("hyperparameter 'csv_weights': '2' is not 0, 1, true or false", failure("csv_weights", "2"));
  }

  @Test
  void parse_rejectsBadDevice() {
    assertEquals("cuda:1", parse("device", "cuda:1").xgboostParams().get("device"));
    assertEquals(
        "hyperparameter 'device': 'tpu' is not one of cpu, cuda, cuda:<ordinal>, gpu, gpu:<ordinal>",
        failure("device", "tpu"));
  }

  // Phase 4: range.

  @Test
  void parse_rejectsEtaAboveOne() {
    assertEquals("hyperparameter 'eta': '1.5' is not in [0, 1]", failure("eta", "1.5"));
  }

  @Test
  void parse_namesTheAliasTheUserWrote() {
    assertEquals("hyperparameter 'learning_rate': '-0.1' is not in [0, 1]", failure("learning_rate", "-0.1"));
  }

  @Test
  void parse_rejectsOpenBounds() {
    assertEquals("hyperparameter 'subsample': '0' is not in (0, 1]", failure("subsample", "0"));
    assertEquals(
        "hyperparameter 'tweedie_variance_power': '2' is not in (1, 2)", failure("tweedie_variance_power", "2"));
    assertEquals("hyperparameter 'num_round': '0' is not in [1, inf)", failure("num_round", "0"));
  }

  @Test
  void parse_rejectsUnknownObjective() {
    assertEquals(
        "hyperparameter 'objective': 'foo' is not one of reg:squarederror, reg:squaredlogerror, reg:logistic, "
            + "reg:pseudohubererror, reg:absoluteerror, reg:quantileerror, binary:logistic, binary:logitraw, "
            + "binary:hinge, count:poisson, survival:cox, survival:aft, multi:softmax, multi:softprob, "
            + "rank:ndcg, rank:map, rank:pairwise, reg:gamma, reg:tweedie, reg:linear",
        failure("objective", "foo"));
  }

  @Test
  void parse_rejectsUpdaterXgboostRemoved() {
    assertEquals(
        "hyperparameter 'updater': 'grow_skmaker' is not one of grow_colmaker, grow_histmaker, "
            + "grow_quantile_histmaker, sync, refresh, prune, shotgun, coord_descent",
        failure("updater", "grow_skmaker"));
  }

  // All at once.

  @Test
  void parse_reportsEveryProblemAtOnceInPhaseOrder() {
    UserError e =
        assertThrows(
            UserError.class,
            () -> Hyperparameters.parse(Map.of("etta", "0.1", "max_depth", "abc", "eta", "1.5")));

    assertEquals(
        List.of(
            "unknown hyperparameter 'etta', did you mean 'eta'?",
            "missing required hyperparameter 'num_round'",
            "hyperparameter 'max_depth': 'abc' is not an integer",
            "hyperparameter 'eta': '1.5' is not in [0, 1]"),
        e.getMessage().lines().toList());
  }

  @Test
  void parse_reportsThreeBadValuesAsThreeLines() {
    assertEquals(3, failure("subsample", "2", "gamma", "-1", "booster", "forest").lines().count());
  }

  // Phase 5: cross-field.

  @Test
  void parse_mapsDeprecatedRegLinear() {
    Hyperparameters h = parse("objective", "reg:linear");

    assertEquals("reg:squarederror", h.objective());
    assertEquals("reg:squarederror", h.xgboostParams().get("objective"));
    assertEquals(
        List.of("hyperparameter 'objective': 'reg:linear' is deprecated; using 'reg:squarederror'"), h.warnings());
  }

  @Test
  void typedAccessors_giveMaxBinSeedBoosterAndTreeMethodAsGiven() {
    Hyperparameters h = parse("max_bin", "64", "seed", "17", "booster", "dart", "tree_method", "approx");

    assertEquals(64, h.maxBin());
    assertEquals(17, h.seed());
    assertEquals(BoosterType.DART, h.booster());
    assertEquals(TreeMethod.APPROX, h.treeMethod());
    assertEquals("approx", h.xgboostParams().get("tree_method"), "the native name goes to XGBoost");
    assertFalse(h.quantileMatrix(), "approx reads raw values");
  }

  @Test
  void quantileMatrix_onlyForTreesGrownByHist() {
    assertTrue(parse("tree_method", "hist").quantileMatrix());
    assertTrue(parse().quantileMatrix(), "auto is hist");
    assertFalse(parse("tree_method", "exact").quantileMatrix());
    assertFalse(parse("booster", "gblinear").quantileMatrix());
  }

  @Test
  void enums_carryXgboostsNativeNames() {
    assertEquals(List.of("gbtree", "gblinear", "dart"),
        java.util.Arrays.stream(BoosterType.values()).map(BoosterType::nativeName).toList());
    assertEquals(List.of("auto", "exact", "approx", "hist"),
        java.util.Arrays.stream(TreeMethod.values()).map(TreeMethod::nativeName).toList());
    assertEquals(List.of("auto", "exact", "approx", "hist", "gpu_hist"), TreeMethod.acceptedNames(),
        "the table allows the deprecated gpu_hist too");
  }

  @Test
  void parse_rejectsABoosterNotAmongTheNativeNames() {
    UserError e = assertThrows(UserError.class, () -> parse("booster", "gbforest"));
    assertEquals("hyperparameter 'booster': 'gbforest' is not one of gbtree, gblinear, dart", e.getMessage());
  }

  @Test
  void parse_mapsGpuHistToHistOnCuda() {
    Hyperparameters h = parse("tree_method", "gpu_hist");

    assertEquals(TreeMethod.HIST, h.treeMethod());
    assertEquals("cuda", h.device());
    assertEquals("hist", h.xgboostParams().get("tree_method"));
    assertEquals("cuda", h.xgboostParams().get("device"));
    assertEquals(
        List.of("hyperparameter 'tree_method': 'gpu_hist' is deprecated; using tree_method 'hist' with device 'cuda'"),
        h.warnings());
  }

  @Test
  void parse_keepsGpuOrdinalWithGpuHist() {
    assertEquals("cuda:1", parse("tree_method", "gpu_hist", "device", "cuda:1").device());
  }

  @Test
  void parse_rejectsGpuHistOnCpu() {
    assertEquals(
        "hyperparameter 'tree_method': 'gpu_hist' needs a GPU, but device is 'cpu'",
        failure("tree_method", "gpu_hist", "device", "cpu"));
  }

  @Test
  void parse_rejectsMultiClassWithoutNumClass() {
    assertEquals(
        "hyperparameter 'num_class' is required for objective 'multi:softmax'", failure("objective", "multi:softmax"));
  }

  @Test
  void parse_acceptsMultiClassWithNumClass() {
    Hyperparameters h = parse("objective", "multi:softprob", "num_class", "3");

    assertEquals(OptionalInt.of(3), h.numClass());
    assertEquals(3, h.xgboostParams().get("num_class"));
  }

  @Test
  void parse_rejectsNumClassWithOtherObjectives() {
    assertEquals(
        "hyperparameter 'num_class': only objectives multi:softmax and multi:softprob take num_class, "
            + "not 'binary:logistic'; perhaps you should use multi:softprob",
        failure("objective", "binary:logistic", "num_class", "2"));
  }

  @Test
  void parse_reportsBadNumClassOnce() {
    assertEquals(
        "hyperparameter 'num_class': '1' is not in [2, inf)",
        failure("objective", "multi:softmax", "num_class", "1"));
  }

  @Test
  void parse_rejectsAucForRegression() {
    assertEquals(
        "hyperparameter 'eval_metric': 'auc' needs a binary:, multi: or rank: objective, not 'reg:squarederror'",
        failure("eval_metric", "rmse,auc"));
  }

  @Test
  void parse_acceptsAucForBinaryMultiClassAndRanking() {
    assertEquals(List.of("auc"), parse("objective", "binary:logistic", "eval_metric", "auc").evalMetrics());
    assertEquals(
        List.of("aucpr"),
        parse("objective", "multi:softprob", "num_class", "3", "eval_metric", "aucpr").evalMetrics());
    assertEquals(List.of("auc"), parse("objective", "rank:pairwise", "eval_metric", "auc").evalMetrics());
  }

  @Test
  void parse_rejectsAftMetricsWithoutSurvivalAft() {
    assertEquals(
        "hyperparameter 'eval_metric': 'aft-nloglik' needs objective 'survival:aft', not 'binary:logistic'",
        failure("objective", "binary:logistic", "eval_metric", "aft-nloglik"));
  }

  @Test
  void parse_rejectsAucTuningMetricForRegression() {
    assertEquals(
        "hyperparameter '_tuning_objective_metric': 'validation:auc' needs a binary:, multi: or rank: objective, "
            + "not 'reg:squarederror'",
        failure("_tuning_objective_metric", "validation:auc"));
  }

  @Test
  void parse_rejectsNumCvRoundWithoutKfold() {
    assertEquals(
        "hyperparameter '_num_cv_round': needs '_kfold', the number of folds", failure("_num_cv_round", "2"));
    assertEquals("hyperparameter '_kfold': '1' is not in [2, inf)", failure("_kfold", "1"));
  }

  @Test
  void parse_rejectsQuantileObjectiveWithoutAlpha() {
    assertEquals(
        "hyperparameter 'quantile_alpha' is required for objective 'reg:quantileerror'",
        failure("objective", "reg:quantileerror"));
  }

  @Test
  void parse_readsQuantileAlphaAsFloatOrList() {
    assertEquals(
        0.5, parse("objective", "reg:quantileerror", "quantile_alpha", "0.5").xgboostParams().get("quantile_alpha"));
    assertEquals(
        "[0.1,0.5,0.9]",
        parse("objective", "reg:quantileerror", "quantile_alpha", "[0.1, 0.5, 0.9]")
            .xgboostParams()
            .get("quantile_alpha"));
    assertEquals(
        "hyperparameter 'quantile_alpha': '1.5' is not in (0, 1)",
        failure("objective", "reg:quantileerror", "quantile_alpha", "[0.1, 1.5]"));
  }

  @Test
  void parse_rejectsConstraintsWithLinearBooster() {
    assertEquals(
        "hyperparameter 'monotone_constraints': needs a tree booster (gbtree or dart), not 'gblinear'",
        failure("booster", "gblinear", "monotone_constraints", "(1,-1)"));
  }

  @Test
  void parse_rejectsUnlimitedDepthWithExact() {
    assertEquals(
        "hyperparameter 'max_depth': '0' (no limit) does not work with tree_method 'exact'",
        failure("max_depth", "0", "tree_method", "exact"));
  }

  @Test
  void parse_warnsThatLossguideDoesNothingWithExact() {
    assertEquals(
        List.of("hyperparameter 'grow_policy': 'lossguide' has no effect with tree_method 'exact', which grows depthwise"),
        parse("grow_policy", "lossguide", "tree_method", "exact").warnings());
  }

  @Test
  void parse_rejectsMultiClassMetricsWithoutMultiClassObjective() {
    assertEquals(
        "hyperparameter 'eval_metric': 'mlogloss' needs a multi: objective, not 'binary:logistic'",
        failure("objective", "binary:logistic", "eval_metric", "mlogloss"));
  }

  @Test
  void parse_rejectsQuantileMetricWithoutAlpha() {
    assertEquals("hyperparameter 'eval_metric': 'quantile' needs 'quantile_alpha'", failure("eval_metric", "quantile"));
    assertEquals(List.of("quantile"), parse("eval_metric", "quantile", "quantile_alpha", "0.9").evalMetrics());
  }

  @Test
  void parse_rejectsGreedySelectorWithShotgun() {
    assertEquals(
        "hyperparameter 'feature_selector': 'greedy' needs updater 'coord_descent'; the shotgun updater takes "
            + "cyclic or shuffle",
        failure("booster", "gblinear", "feature_selector", "greedy"));
    assertEquals(
        List.of(),
        parse("booster", "gblinear", "feature_selector", "greedy", "updater", "coord_descent", "top_k", "2")
            .warnings());
  }

  @Test
  void parse_rejectsMultiOutputTreeWithApprox() {
    assertEquals(
        "hyperparameter 'multi_strategy': 'multi_output_tree' needs tree_method hist or auto, not 'approx'",
        failure("multi_strategy", "multi_output_tree", "tree_method", "approx"));
  }

  @Test
  void parse_rejectsBaseScoreOutsideTheLogisticRange() {
    assertEquals(
        "hyperparameter 'base_score': '1.5' is not in (0, 1), as objective 'binary:logistic' needs",
        failure("objective", "binary:logistic", "base_score", "1.5"));
    assertEquals(-1.0, parse("base_score", "-1").xgboostParams().get("base_score"));
  }

  @Test
  void parse_checksUpdaterAgainstBoosterAndProcessType() {
    assertEquals(
        "hyperparameter 'updater': 'grow_colmaker' does not suit booster 'gblinear', which takes exactly one of "
            + "shotgun, coord_descent",
        failure("booster", "gblinear", "updater", "grow_colmaker"));
    assertEquals(
        "hyperparameter 'updater': 'shotgun' is a linear updater, but booster 'gbtree' builds trees",
        failure("updater", "shotgun"));
    assertEquals(
        "hyperparameter 'updater': 'grow_colmaker' does not suit process_type 'update', which takes only refresh "
            + "and prune",
        failure("process_type", "update", "updater", "grow_colmaker,refresh"));
    assertEquals(
        "hyperparameter 'updater': 'grow_colmaker,grow_histmaker' has more than one grow_* updater; choose one of "
            + "grow_colmaker, grow_histmaker",
        failure("updater", "grow_colmaker,grow_histmaker"));
    assertEquals("coord_descent", parse("booster", "gblinear", "updater", "coord_descent").xgboostParams().get("updater"));
  }

  @Test
  void parse_warnsAboutDartParametersWithoutDart() {
    assertEquals(
        List.of("hyperparameter 'rate_drop' has no effect unless booster is dart"),
        parse("rate_drop", "0.1").warnings());
    assertEquals(List.of(), parse("booster", "dart", "rate_drop", "0.1").warnings());
  }

  @Test
  void quantileMatrix_followsTheUpdaterBeforeTheTreeMethod() {
    assertTrue(parse().quantileMatrix(), "auto is hist in XGBoost 3");
    assertTrue(parse("tree_method", "hist").quantileMatrix());
    assertFalse(parse("tree_method", "exact").quantileMatrix());
    assertFalse(parse("tree_method", "approx").quantileMatrix());
    assertFalse(parse("updater", "grow_colmaker,prune").quantileMatrix(), "exact trees, whatever tree_method says");
    assertFalse(parse("tree_method", "hist", "updater", "grow_colmaker,prune").quantileMatrix());
    assertFalse(parse("updater", "grow_histmaker").quantileMatrix());
    assertTrue(parse("tree_method", "exact", "updater", "grow_quantile_histmaker").quantileMatrix());
    assertFalse(parse("process_type", "update", "updater", "refresh,prune").quantileMatrix());
    assertFalse(parse("booster", "gblinear").quantileMatrix());
  }

  @Test
  void useDaskGpuTraining_isAccepted_andTrueSaysWhatTrainsInstead() {
    assertEquals(List.of(), parse("use_dask_gpu_training", "false").warnings());
    Hyperparameters dask = parse("use_dask_gpu_training", "true", "tree_method", "gpu_hist");
    assertEquals(
        List.of("hyperparameter 'tree_method': 'gpu_hist' is deprecated; using tree_method 'hist' with device 'cuda'",
            "hyperparameter 'use_dask_gpu_training': 'true' asks for Dask training on every GPU, which this image "
                + "does not do: training in one process per host, on the device that 'device' names, as with 'false'"),
        dask.warnings());
    assertFalse(dask.xgboostParams().containsKey("use_dask_gpu_training"), "not a native parameter");
    assertEquals("hyperparameter 'use_dask_gpu_training': 'yes' is not true or false",
        failure("use_dask_gpu_training", "yes"));
  }

  @Test
  void parse_acceptsAndDropsParametersXgboostRemoved() {
    Hyperparameters h = parse("sketch_eps", "0.03", "predictor", "cpu_predictor");

    assertFalse(h.xgboostParams().containsKey("sketch_eps"));
    assertFalse(h.xgboostParams().containsKey("predictor"));
    assertEquals(
        List.of(
            "hyperparameter 'sketch_eps' is ignored: removed from XGBoost; approx uses max_bin.",
            "hyperparameter 'predictor' is ignored: removed in XGBoost 2; device picks the predictor."),
        h.warnings());
    assertEquals("hyperparameter 'sketch_eps': '1' is not in (0, 1)", failure("sketch_eps", "1"));
  }

  // Constraints: read as data, never evaluated.

  @Test
  void parse_rejectsMalformedConstraints() {
    assertEquals(
        "hyperparameter 'monotone_constraints': '(1,2)' is not a tuple of -1, 0 and 1 such as (1,0,-1)",
        failure("monotone_constraints", "(1,2)"));
    assertEquals(
        "hyperparameter 'monotone_constraints': '__import__('os').system('id')' is not a tuple of -1, 0 and 1 "
            + "such as (1,0,-1)",
        failure("monotone_constraints", "__import__('os').system('id')"));
    assertEquals(
        "hyperparameter 'interaction_constraints': '[[0,1],[2' is not a list of lists of feature indices such as "
            + "[[0,1],[2,3]]",
        failure("interaction_constraints", "[[0,1],[2"));
    assertEquals(
        "hyperparameter 'interaction_constraints': '[[0,-1]]' is not a list of lists of feature indices such as "
            + "[[0,1],[2,3]]",
        failure("interaction_constraints", "[[0,-1]]"));
  }

  @Test
  void checkFeatureCount_rejectsConstraintsBeyondTheData() {
    Hyperparameters h = parse("monotone_constraints", "(1,0,-1)", "interaction_constraints", "[[0,1],[2,5]]");

    UserError e = assertThrows(UserError.class, () -> h.checkFeatureCount(2));
    assertEquals(
        List.of(
            "hyperparameter 'monotone_constraints': has 3 constraints but the data has 2 features",
            "hyperparameter 'interaction_constraints': feature index 2 is out of range for 2 features",
            "hyperparameter 'interaction_constraints': feature index 5 is out of range for 2 features"),
        e.getMessage().lines().toList());
    h.checkFeatureCount(6);
  }

  // Metrics, tuning and early stopping.

  @Test
  void parse_acceptsMetricArguments() {
    assertEquals(
        List.of("ndcg@5", "map@3-", "ndcg-", "pre@10", "error@0.7", "tweedie-nloglik@1.5"),
        parse("objective", "rank:ndcg", "eval_metric", "ndcg@5, map@3-,ndcg-,pre@10,error@0.7,tweedie-nloglik@1.5")
            .evalMetrics());
  }

  @Test
  void parse_rejectsBadMetrics() {
    assertEquals(
        "hyperparameter 'eval_metric': 'error@x': the threshold after '@' is not a number",
        failure("eval_metric", "error@x"));
    assertEquals(
        "hyperparameter 'eval_metric': 'ndcg@top': the cut-off after '@' is not a non-negative integer",
        failure("eval_metric", "ndcg@top"));
    assertEquals(
        "hyperparameter 'eval_metric': 'rmse@3': 'rmse' takes no '@' argument", failure("eval_metric", "rmse@3"));
    assertEquals(
        "hyperparameter 'eval_metric': 'tweedie-nloglik@2': rho after '@' is not in [1, 2)",
        failure("eval_metric", "tweedie-nloglik@2"));
    assertEquals(
        "hyperparameter 'eval_metric': 'accuracy_score' is not one of rmse, rmsle, mae, mape, mphe, logloss, "
            + "error, merror, mlogloss, auc, aucpr, pre, ndcg, map, poisson-nloglik, gamma-nloglik, cox-nloglik, "
            + "gamma-deviance, tweedie-nloglik, aft-nloglik, interval-regression-accuracy, quantile, ams, "
            + "or ndcg@n, map@n, pre@n, error@t, ams@t, tweedie-nloglik@rho, or the container's own accuracy, "
            + "balanced_accuracy, f1, f1_binary, f1_macro, mse, rmse, mae, precision, precision_macro, "
            + "precision_micro, r2, recall, recall_macro, recall_micro",
        failure("eval_metric", "accuracy_score"));
    assertEquals(
        "hyperparameter 'eval_metric': 'f1@0.3': 'f1' takes no '@' argument", failure("eval_metric", "f1@0.3"));
    assertEquals(
        "hyperparameter 'eval_metric': 'rmse,,mae' has an empty item; separate items with single commas",
        failure("eval_metric", "rmse,,mae"));
  }

  @Test
  void parse_appendsTuningMetricThatDrivesEarlyStopping() {
    Hyperparameters h =
        parse("objective", "binary:logistic", "eval_metric", "logloss", "_tuning_objective_metric", "validation:auc");

    assertEquals(List.of("logloss", "auc"), h.evalMetrics());
    assertEquals(Optional.of("auc"), h.stoppingMetric());
    assertEquals(Optional.of("validation:auc"), h.tuningObjectiveMetric());
  }

  @Test
  void parse_tuningMetricDrivesEarlyStoppingEvenWhenNotLast() {
    Hyperparameters h =
        parse(
            "objective", "binary:logistic",
            "eval_metric", "auc,logloss",
            "_tuning_objective_metric", "validation:auc");

    assertEquals(List.of("auc", "logloss"), h.evalMetrics());
    assertEquals(Optional.of("auc"), h.stoppingMetric());
  }

  @Test
  void parse_tuningMetricAloneIsTheOnlyMetric() {
    Hyperparameters h = parse("_tuning_objective_metric", "validation:rmse");

    assertEquals(List.of("rmse"), h.evalMetrics());
    assertEquals(Optional.of("rmse"), h.stoppingMetric());
  }

  @Test
  void parse_rejectsTuningMetricWithoutChannel() {
    assertEquals(
        "hyperparameter '_tuning_objective_metric': 'auc' is not of the form train:<metric> or validation:<metric>",
        failure("_tuning_objective_metric", "auc"));
  }

  @Test
  void checkChannels_acceptsEarlyStoppingWithoutValidation_butNotAValidationTuningMetric() {
    // as in the official image, early stopping without a validation channel is off, not an error
    parse("early_stopping_rounds", "5", "eval_metric", "rmse").checkChannels(false);
    Hyperparameters h = parse("early_stopping_rounds", "5", "_tuning_objective_metric", "validation:rmse");

    UserError e = assertThrows(UserError.class, () -> h.checkChannels(false));
    assertEquals("hyperparameter '_tuning_objective_metric': 'validation:rmse' needs a 'validation' channel",
        e.getMessage());
    h.checkChannels(true);
  }

  @Test
  void containerMetrics_areAcceptedAndSplitFromXgboosts() {
    Hyperparameters h = parse("objective", "binary:logistic", "eval_metric", "auc,accuracy,rmse",
        "_tuning_objective_metric", "validation:f1");
    assertEquals(List.of("auc", "accuracy", "rmse", "f1"), h.evalMetrics());
    assertEquals(List.of("auc"), h.xgboostMetrics());
    assertEquals(List.of(ContainerMetric.ACCURACY, ContainerMetric.RMSE, ContainerMetric.F1), h.containerMetrics());
    assertEquals(Optional.of("f1"), h.stoppingMetric());
    assertEquals(Optional.of("rmse"), parse("eval_metric", "accuracy,rmse").stoppingMetric());
    assertEquals(Optional.empty(), parse("early_stopping_rounds", "3").stoppingMetric());
  }

  @Test
  void regressionContainerMetric_refusedWithSoftprob() {
    assertEquals("hyperparameter 'eval_metric': 'r2' compares one prediction per row with the label, but "
        + "'multi:softprob' predicts num_class probabilities; perhaps you should use accuracy, f1_macro or mlogloss",
        failure("objective", "multi:softprob", "num_class", "3", "eval_metric", "r2"));
    parse("objective", "multi:softmax", "num_class", "3", "eval_metric", "r2,f1_macro");
  }

  @Test
  void checkChannels_rejectsShapWithoutValidation() {
    Hyperparameters h = parse("shap", "true");

    UserError e = assertThrows(UserError.class, () -> h.checkChannels(false));
    assertEquals("hyperparameter 'shap' needs a 'validation' channel; perhaps you should add one or set shap to false",
        e.getMessage());
    h.checkChannels(true);
  }

  @Test
  void shap_isOffByDefaultAndNotPassedToXgboost() {
    assertFalse(parse().shap());
    Hyperparameters h = parse("shap", "true");
    assertTrue(h.shap());
    assertFalse(h.xgboostParams().containsKey("shap"));
  }

  @Test
  void checkChannels_acceptsEarlyStoppingUnderCrossValidation() {
    parse("early_stopping_rounds", "5", "_kfold", "5").checkChannels(false);
    parse().checkChannels(false);
  }

  @Test
  void maximizes_knowsWhichMetricsGrow() {
    for (String metric : List.of("auc", "aucpr", "map", "ndcg", "pre", "ndcg@5", "map@3-", "ndcg-", "pre@10",
        "interval-regression-accuracy", "ams@0.15")) {
      assertTrue(Hyperparameters.maximizes(metric), metric);
    }
    for (String metric : ContainerMetric.names()) {
      assertEquals(!List.of("mse", "rmse", "mae").contains(metric), Hyperparameters.maximizes(metric), metric);
    }
    for (String metric : List.of("rmse", "logloss", "error@0.7", "mlogloss", "tweedie-nloglik@1.5", "quantile")) {
      assertFalse(Hyperparameters.maximizes(metric), metric);
    }
  }
}
