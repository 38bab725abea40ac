package io.github.xgbcontainer.hyperparameters;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The metrics the official image computes itself, beside XGBoost's own (its
 * {@code metrics/custom_metrics.py}, scikit-learn's definitions), and that SageMaker model tuning
 * offers for this algorithm ({@code validation:accuracy}, {@code validation:f1}, ...). They are
 * unweighted, as there. {@code rmse} and {@code mae} are here too: the official image computes them
 * this way even though XGBoost has them, so instance weights do not enter them.
 *
 * <p>Classification metrics compare class labels: the class of a row is 1 where its margin is above
 * 0 (a probability above 0.5 for binary:logistic) and 0 otherwise, and the class with the largest
 * margin for multi-class objectives. {@link Averaging} says how per-class scores are combined, as
 * scikit-learn's {@code average} argument does.
 *
 * <p>See https://docs.aws.amazon.com/sagemaker/latest/dg/xgboost-tuning.html
 */
public enum ContainerMetric {
  ACCURACY("accuracy", Kind.ACCURACY, Averaging.MICRO),
  BALANCED_ACCURACY("balanced_accuracy", Kind.BALANCED_ACCURACY, Averaging.MACRO),
  F1("f1", Kind.F1, Averaging.MACRO),
  F1_BINARY("f1_binary", Kind.F1, Averaging.BINARY),
  F1_MACRO("f1_macro", Kind.F1, Averaging.MACRO),
  MSE("mse", Kind.MSE, Averaging.NONE),
  RMSE("rmse", Kind.RMSE, Averaging.NONE),
  MAE("mae", Kind.MAE, Averaging.NONE),
  PRECISION("precision", Kind.PRECISION, Averaging.BINARY),
  PRECISION_MACRO("precision_macro", Kind.PRECISION, Averaging.MACRO),
  PRECISION_MICRO("precision_micro", Kind.PRECISION, Averaging.MICRO),
  R2("r2", Kind.R2, Averaging.NONE),
  RECALL("recall", Kind.RECALL, Averaging.BINARY),
  RECALL_MACRO("recall_macro", Kind.RECALL, Averaging.MACRO),
  RECALL_MICRO("recall_micro", Kind.RECALL, Averaging.MICRO);

  /** What a metric measures. */
  public enum Kind {
    ACCURACY, BALANCED_ACCURACY, F1, PRECISION, RECALL, MSE, RMSE, MAE, R2;

    /** Whether it compares class labels rather than predicted values. */
    public boolean classification() {
      return this.ordinal() <= RECALL.ordinal();
    }
  }

  /** How per-class scores become one: scikit-learn's {@code average}. */
  public enum Averaging {
    /** Class 1 against the rest ({@code average='binary'}, {@code pos_label=1}). */
    BINARY,
    /** The unweighted mean over the classes present in labels or predictions. */
    MACRO,
    /** Over all rows at once. */
    MICRO,
    /** Not a classification metric. */
    NONE
  }

  private final String nativeName;
  private final Kind kind;
  private final Averaging averaging;

  ContainerMetric(String nativeName, Kind kind, Averaging averaging) {
    this.nativeName = nativeName;
    this.kind = kind;
    this.averaging = averaging;
  }

  /** The name in {@code eval_metric} and in the metric lines: {@code f1_macro}. */
  public String nativeName() {
    return nativeName;
  }

  public Kind kind() {
    return kind;
  }

  public Averaging averaging() {
    return averaging;
  }

  /** Whether larger is better: every classification metric and r2 (the official image's list). */
  public boolean maximize() {
    return kind.classification() || kind == Kind.R2;
  }

  /** Every name, in the official image's order. */
  public static List<String> names() {
    return Arrays.stream(values()).map(ContainerMetric::nativeName).toList();
  }

  /** The metric named {@code name}; empty when it is not one of these. */
  public static Optional<ContainerMetric> of(String name) {
    return Arrays.stream(values()).filter(m -> m.nativeName.equals(name)).findFirst();
  }
}
