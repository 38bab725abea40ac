package io.github.xgbcontainer.report;

import io.github.xgbcontainer.output.ModelEvaluation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything the report shows about one training job, as plain values.
 *
 * @param hyperparameters the job's hyperparameters as given (hyperparameters.json)
 * @param channels rows and features of each channel read
 * @param timings phase to seconds, in the order the phases ran
 * @param evaluation {@code channel-metric} to its score per round
 * @param bestIteration the zero-based round early stopping kept; empty without early stopping
 * @param stoppingMetric the metric early stopping watched, when it was on
 * @param importance importance type to feature to score
 * @param shap mean |SHAP| per feature on the validation channel, when {@code shap=true}
 * @param details what the job ran with and how the model predicts
 */
public record JobReport(Map<String, String> hyperparameters, List<ChannelShape> channels, Map<String, Double> timings,
    Map<String, List<Double>> evaluation, OptionalInt bestIteration, Optional<String> stoppingMetric,
    Map<String, Map<String, Double>> importance, Optional<Map<String, Double>> shap, Details details) {

  /** A report without {@link Details}. */
  public JobReport(Map<String, String> hyperparameters, List<ChannelShape> channels, Map<String, Double> timings,
      Map<String, List<Double>> evaluation, OptionalInt bestIteration, Optional<String> stoppingMetric,
      Map<String, Map<String, Double>> importance, Optional<Map<String, Double>> shap) {
    this(hyperparameters, channels, timings, evaluation, bestIteration, stoppingMetric, importance, shap,
        Details.NONE);
  }

  /**
   * What the job ran with, and how its model predicts.
   *
   * @param jobName the training job's name ({@code TRAINING_JOB_NAME}), when set
   * @param imageVersion this image's version
   * @param xgboostVersion the XGBoost version that trained
   * @param parameters every parameter XGBoost trained with, defaults included, name to value
   * @param parametersSource where {@code parameters} were read
   * @param featureNames the feature columns' names, in column order
   * @param modelEvaluation the model's predictions on one channel, measured
   */
  public record Details(Optional<String> jobName, String imageVersion, String xgboostVersion,
      Map<String, String> parameters, String parametersSource, List<String> featureNames,
      Optional<ModelEvaluation> modelEvaluation) {

    /** Nothing known beyond the report's other fields. */
    public static final Details NONE = new Details(Optional.empty(), "unknown", "unknown", Map.of(), "not read",
        List.of(), Optional.empty());

    public Details {
      Objects.requireNonNull(jobName, "jobName");
      Objects.requireNonNull(imageVersion, "imageVersion");
      Objects.requireNonNull(xgboostVersion, "xgboostVersion");
      parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
      Objects.requireNonNull(parametersSource, "parametersSource");
      featureNames = List.copyOf(featureNames);
      Objects.requireNonNull(modelEvaluation, "modelEvaluation");
    }
  }

  public JobReport {
    hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    channels = List.copyOf(channels);
    timings = Collections.unmodifiableMap(new LinkedHashMap<>(timings));
    evaluation = Collections.unmodifiableMap(new LinkedHashMap<>(evaluation));
    Objects.requireNonNull(bestIteration, "bestIteration");
    Objects.requireNonNull(stoppingMetric, "stoppingMetric");
    importance = Collections.unmodifiableMap(new LinkedHashMap<>(importance));
    Objects.requireNonNull(shap, "shap");
    Objects.requireNonNull(details, "details");
    int rounds = evaluation.values().stream().mapToInt(List::size).max().orElse(0);
    bestIteration.ifPresent(best -> {
      if (best < 0 || best >= rounds) {
        throw new IllegalArgumentException("best iteration " + best + " is not one of the " + rounds + " rounds");
      }
    });
  }

  /** Rounds recorded: the length of the longest series. */
  public int rounds() {
    return evaluation.values().stream().mapToInt(List::size).max().orElse(0);
  }

  /** Each metric's score in the given round (NaN where a series is shorter). */
  public Map<String, Double> scoresAt(int round) {
    Map<String, Double> scores = new LinkedHashMap<>();
    evaluation.forEach((name, series) -> scores.put(name, round < series.size() ? series.get(round) : Double.NaN));
    return scores;
  }

  /**
   * One channel's data shape.
   *
   * @param channel the channel name
   * @param rows rows read
   * @param features feature columns
   */
  public record ChannelShape(String channel, long rows, int features) {
    public ChannelShape {
      Objects.requireNonNull(channel, "channel");
      if (rows < 0 || features < 0) {
        throw new IllegalArgumentException("channel '" + channel + "': rows and features cannot be negative");
      }
    }
  }
}
