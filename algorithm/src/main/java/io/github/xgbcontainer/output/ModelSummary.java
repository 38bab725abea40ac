package io.github.xgbcontainer.output;

/**
 * What a server needs to know about a model file, read from the document {@link ModelValidator}
 * has already decoded, so that nobody asks XGBoost to write the model out as JSON again to learn it.
 *
 * @param objective the objective's name, e.g. {@code binary:logistic}; empty when the file names none
 * @param numClass {@code learner_model_param.num_class}: the classes of a multi-class objective, else 0
 * @param features {@code learner_model_param.num_feature}
 */
public record ModelSummary(String objective, int numClass, long features) {

  public ModelSummary {
    if (objective == null) {
      throw new IllegalArgumentException("objective is null (empty when the model names none)");
    }
    if (numClass < 0 || features < 0) {
      throw new IllegalArgumentException("negative num_class " + numClass + " or num_feature " + features);
    }
  }
}
