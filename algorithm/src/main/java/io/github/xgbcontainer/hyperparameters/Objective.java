package io.github.xgbcontainer.hyperparameters;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * XGBoost 3's learning objectives, each with its default evaluation metric and the labels it
 * accepts.
 *
 * <p>Label rules follow XGBoost's checks and documentation
 * (https://xgboost.readthedocs.io/en/stable/parameter.html#learning-task-parameters): logistic
 * objectives need labels in [0, 1]; multi-class labels are class indices in [0, num_class); Poisson
 * and Tweedie need non-negative labels, gamma positive ones; squared log error needs labels above -1.
 * XGBoost 3.4 itself refuses rank:map labels other than 0 and 1, and rank:ndcg relevance above 31
 * with exponential gain. Where XGBoost does not check, we decide: survival:aft needs a positive event
 * time (it takes logarithms; censored intervals come as separate bounds), binary:hinge labels in [0,
 * 1] like the other binary objectives, rank:pairwise non-negative relevance. survival:cox takes any
 * label: negative ones are right-censored.
 */
public enum Objective {
  REG_SQUAREDERROR("reg:squarederror", "rmse", LabelDomain.ANY),
  REG_SQUAREDLOGERROR("reg:squaredlogerror", "rmsle", LabelDomain.ABOVE_MINUS_ONE),
  REG_LOGISTIC("reg:logistic", "rmse", LabelDomain.UNIT),
  REG_PSEUDOHUBERERROR("reg:pseudohubererror", "mphe", LabelDomain.ANY),
  REG_ABSOLUTEERROR("reg:absoluteerror", "mae", LabelDomain.ANY),
  REG_QUANTILEERROR("reg:quantileerror", "quantile", LabelDomain.ANY),
  BINARY_LOGISTIC("binary:logistic", "logloss", LabelDomain.UNIT),
  BINARY_LOGITRAW("binary:logitraw", "logloss", LabelDomain.UNIT),
  BINARY_HINGE("binary:hinge", "error", LabelDomain.UNIT),
  COUNT_POISSON("count:poisson", "poisson-nloglik", LabelDomain.NON_NEGATIVE),
  SURVIVAL_COX("survival:cox", "cox-nloglik", LabelDomain.ANY),
  SURVIVAL_AFT("survival:aft", "aft-nloglik", LabelDomain.POSITIVE),
  MULTI_SOFTMAX("multi:softmax", "mlogloss", LabelDomain.CLASS_INDEX),
  MULTI_SOFTPROB("multi:softprob", "mlogloss", LabelDomain.CLASS_INDEX),
  RANK_NDCG("rank:ndcg", "ndcg@32", LabelDomain.RELEVANCE_EXP_GAIN),
  RANK_MAP("rank:map", "map@32", LabelDomain.BINARY),
  RANK_PAIRWISE("rank:pairwise", "ndcg@32", LabelDomain.NON_NEGATIVE),
  REG_GAMMA("reg:gamma", "gamma-deviance", LabelDomain.POSITIVE),
  REG_TWEEDIE("reg:tweedie", "tweedie-nloglik@1.5", LabelDomain.NON_NEGATIVE);

  /** The deprecated name XGBoost still maps to reg:squarederror. */
  static final String DEPRECATED_LINEAR = "reg:linear";

  private final String nativeName;
  private final String defaultMetric;
  private final LabelDomain labels;

  Objective(String nativeName, String defaultMetric, LabelDomain labels) {
    this.nativeName = nativeName;
    this.defaultMetric = defaultMetric;
    this.labels = labels;
  }

  /** The name XGBoost knows it by, e.g. {@code binary:logistic}. */
  public String nativeName() {
    return nativeName;
  }

  /**
   * The metric XGBoost evaluates when none is given, under default parameters. XGBoost names it after
   * parameters: rank objectives add the truncation of {@code lambdarank_pair_method=topk} ({@code
   * ndcg@32}), reg:tweedie adds {@code tweedie_variance_power} ({@code tweedie-nloglik@1.5}).
   */
  public String defaultMetric() {
    return defaultMetric;
  }

  /** Whether the objective learns to rank. */
  public boolean isRanking() {
    return nativeName.startsWith("rank:");
  }

  /** Whether the objective classifies into two classes ({@code binary:*}). */
  public boolean isBinary() {
    return nativeName.startsWith("binary:");
  }

  /** Whether the objective predicts classes out of {@code num_class}. */
  public boolean isMultiClass() {
    return labels == LabelDomain.CLASS_INDEX;
  }

  /** The objective XGBoost knows by {@code name}. The deprecated reg:linear is not one of them. */
  public static Optional<Objective> of(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  private static final java.util.Map<String, Objective> BY_NAME = Arrays.stream(values())
      .collect(java.util.stream.Collectors.toUnmodifiableMap(Objective::nativeName, o -> o));

  /** The native names, in the order of XGBoost's docs. */
  static List<String> nativeNames() {
    return Arrays.stream(values()).map(Objective::nativeName).toList();
  }

  /**
   * Why {@code label} is not a valid label for this objective, e.g. {@code label 2.0 is not valid for
   * binary:logistic, which needs labels in [0, 1]}; empty when it is valid.
   *
   * @param numClass the number of classes, needed by the multi-class objectives
   * @param ndcgExpGain whether rank:ndcg uses exponential gain (XGBoost's default, true)
   */
  public Optional<String> labelProblem(float label, OptionalInt numClass, boolean ndcgExpGain) {
    if (!Float.isFinite(label)) {
      return Optional.of("label " + label + " is not a finite number");
    }
    String needs = labels.problem(label, numClass, ndcgExpGain);
    return needs == null
        ? Optional.empty()
        : Optional.of("label " + label + " is not valid for " + nativeName + ", which needs " + needs);
  }

  /** The labels an objective accepts; {@code problem} returns what is needed, or null when fine. */
  private enum LabelDomain {
    ANY {
      @Override
      String problem(float label, OptionalInt numClass, boolean expGain) {
        return null;
      }
    },
    UNIT {
      @Override
      String problem(float label, OptionalInt numClass, boolean expGain) {
        return label >= 0 && label <= 1 ? null : "labels in [0, 1]";
      }
    },
    BINARY {
      @Override
      String problem(float label, OptionalInt numClass, boolean expGain) {
        return label == 0 || label == 1 ? null : "labels 0 or 1";
      }
    },
    NON_NEGATIVE {
      @Override
      String problem(float label, OptionalInt numClass, boolean expGain) {
        return label >= 0 ? null : "labels >= 0";
      }
    },
    POSITIVE {
      @Override
      String problem(float label, OptionalInt numClass, boolean expGain) {
        return label > 0 ? null : "labels > 0";
      }
    },
    ABOVE_MINUS_ONE {
      @Override
      String problem(float label, OptionalInt numClass, boolean expGain) {
        return label > -1 ? null : "labels > -1";
      }
    },
    CLASS_INDEX {
      @Override
      String problem(float label, OptionalInt numClass, boolean expGain) {
        if (numClass.isEmpty()) {
          return label >= 0 && label == Math.rint(label) ? null : "integer labels >= 0";
        }
        int classes = numClass.getAsInt();
        return label >= 0 && label < classes && label == Math.rint(label)
            ? null
            : String.format(Locale.ROOT, "integer labels in [0, %d) for num_class %d", classes, classes);
      }
    },
    RELEVANCE_EXP_GAIN {
      @Override
      String problem(float label, OptionalInt numClass, boolean expGain) {
        if (!expGain) {
          return label >= 0 ? null : "labels >= 0";
        }
        return label >= 0 && label <= 31
            ? null
            : "labels in [0, 31] with ndcg_exp_gain true; set ndcg_exp_gain to false for larger relevance";
      }
    };

    abstract String problem(float label, OptionalInt numClass, boolean expGain);
  }
}
