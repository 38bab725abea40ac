package io.github.xgbcontainer.serve;

import io.github.xgbcontainer.error.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What each record's response holds: the predicted score (default), SHAP contributions (on
 * request), or the keys named by {@code SAGEMAKER_INFERENCE_OUTPUT}, with the official image's
 * meaning for each objective. A key that does not apply to the objective is answered as NaN, as
 * there.
 *
 * @see <a href="https://docs.aws.amazon.com/sagemaker/latest/dg/xgboost.html">SageMaker XGBoost: selectable inference output</a>
 */
final class InferenceOutput {

  /** The selectable keys, in the official image's names. */
  static final List<String> KEYS = List.of("predicted_label", "labels", "probability", "probabilities",
      "raw_score", "raw_scores", "predicted_score");

  private static final Set<String> CLASSIFIERS = Set.of("binary:logistic", "binary:logitraw",
      "binary:hinge", "multi:softmax", "multi:softprob");

  private final List<String> keys;
  private final String objective;
  private final int numClass;

  private InferenceOutput(List<String> keys, String objective, int numClass) {
    this.keys = keys;
    this.objective = objective;
    this.numClass = numClass;
  }

  /**
   * What {@code model} answers under {@code SAGEMAKER_INFERENCE_OUTPUT} ({@code null}: the score),
   * warning about keys that do not apply to its objective.
   *
   * @throws UserError for an unknown key or an objective without selectable output
   */
  static InferenceOutput forModel(String variable, ServedModel model) {
    if (variable == null) {
      return scores();
    }
    InferenceOutput output = selected(variable, model.objective(), model.numClass());
    if (!output.inapplicable().isEmpty()) {
      java.util.logging.Logger.getLogger(InferenceOutput.class.getName()).warning("SAGEMAKER_INFERENCE_OUTPUT: "
          + output.inapplicable() + " do not apply to objective '" + model.objective() + "' and are answered as NaN");
    }
    return output;
  }

  /** The default: one {@code score} per record. */
  static InferenceOutput scores() {
    return new InferenceOutput(List.of(), "", 0);
  }

  /**
   * The keys of {@code SAGEMAKER_INFERENCE_OUTPUT} (comma-separated, any case, spaces ignored).
   *
   * @throws UserError for an unknown key or an objective without selectable output
   */
  static InferenceOutput selected(String variable, String objective, int numClass) {
    List<String> keys = new ArrayList<>();
    for (String raw : variable.replace(" ", "").toLowerCase(Locale.ROOT).split(",")) {
      if (raw.isEmpty()) {
        continue;
      }
      if (!KEYS.contains(raw)) {
        throw new UserError("SAGEMAKER_INFERENCE_OUTPUT: '" + raw + "' is not a selectable output,"
            + " perhaps you should use some of " + String.join(", ", KEYS));
      }
      keys.add(raw);
    }
    if (keys.isEmpty()) {
      throw new UserError("SAGEMAKER_INFERENCE_OUTPUT is set but names no key, perhaps you should use"
          + " some of " + String.join(", ", KEYS) + " or unset it");
    }
    if (!CLASSIFIERS.contains(objective) && !isRegression(objective)) {
      throw new UserError("SAGEMAKER_INFERENCE_OUTPUT: objective '" + objective + "' has no selectable"
          + " output, perhaps you should unset SAGEMAKER_INFERENCE_OUTPUT to get the predicted score");
    }
    return new InferenceOutput(List.copyOf(keys), objective, numClass);
  }

  private static boolean isRegression(String objective) {
    return objective.startsWith("reg:") || objective.startsWith("count:") || objective.startsWith("survival:");
  }

  /** Whether this is the default score output. */
  boolean isScores() {
    return keys.isEmpty();
  }

  List<String> keys() {
    return keys;
  }

  /** Keys that do not apply to the objective (answered as NaN): worth a warning at start. */
  List<String> inapplicable() {
    return keys.stream().filter(k -> !applies(k)).toList();
  }

  private boolean applies(String key) {
    boolean regression = isRegression(objective);
    return switch (key) {
      case "predicted_score" -> regression;
      case "probability", "probabilities" -> objective.equals("binary:logistic") || objective.equals("multi:softprob");
      default -> !regression;
    };
  }

  /**
   * The value of {@code key} for one record's prediction: an {@link Integer}, a {@link Float}
   * ({@code NaN} when the key does not apply), an {@code int[]} or a {@code float[]}.
   */
  Object value(String key, float[] p) {
    if (!applies(key)) {
      return Float.NaN;
    }
    float v = p[0];
    boolean softprob = objective.equals("multi:softprob");
    return switch (key) {
      case "predicted_label" -> switch (objective) {
        case "binary:logistic" -> v > 0.5f ? 1 : 0;
        case "binary:logitraw" -> v > 0f ? 1 : 0;
        case "multi:softprob" -> argmax(p);
        default -> v;
      };
      case "labels" -> objective.startsWith("binary:") ? new int[] {0, 1}
          : numClass > 0 ? range(numClass) : (Object) Float.NaN;
      case "probability", "raw_score" -> softprob ? p[argmax(p)] : v;
      case "probabilities", "raw_scores" -> softprob ? p : new float[] {1f - v, v};
      default -> v;
    };
  }

  private static int argmax(float[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }
}
