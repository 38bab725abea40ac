package io.github.xgbcontainer.train;

import io.github.xgbcontainer.error.AlgorithmError;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One round's evaluation, read from XGBoost's {@code evalSet} text and printed in the form
 * SageMaker's metric definitions match: {@code [12]\ttrain-rmse:1.23456\tvalidation-rmse:2.34567}
 * (CloudWatch shows the tab as {@code #011}; the official regexes are
 * {@code .*\[[0-9]+\].*#011validation-rmse:(\S+)}). Scores have five decimals, as XGBoost's
 * Python evaluation monitor prints them.
 *
 * @param round the zero-based boosting round
 * @param scores {@code watch-metric} to score, in XGBoost's order
 */
public record EvaluationLine(int round, Map<String, Double> scores) {

  public EvaluationLine {
    scores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scores));
  }

  /** Parses {@code "[3]\ttrain-rmse:0.40384609892334739\tvalidation-rmse:..."}. */
  public static EvaluationLine parse(int round, String text) {
    Map<String, Double> scores = new LinkedHashMap<>();
    String[] parts = text.trim().split("\t");
    for (int i = 1; i < parts.length; i++) {
      int colon = parts[i].lastIndexOf(':');
      if (colon <= 0) {
        throw new AlgorithmError("unexpected evaluation output from XGBoost: '" + text + "'");
      }
      String value = parts[i].substring(colon + 1);
      double score;
      try {
        score = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        score = value.equalsIgnoreCase("nan") ? Double.NaN : Double.parseDouble(value.replace("inf", "Infinity"));
      }
      scores.put(parts[i].substring(0, colon), score);
    }
    return new EvaluationLine(round, scores);
  }

  /**
   * This line with more scores, per watch: each watch's new scores follow XGBoost's for that watch,
   * and one of the same name replaces XGBoost's in its place, as in the official image, whose
   * evaluation log keeps the last value of a name ({@code rmse} from XGBoost's default metric and
   * from its own metric).
   *
   * @param byWatch watch name to metric name to score, in watch order
   */
  public EvaluationLine with(Map<String, Map<String, Double>> byWatch) {
    Map<String, Double> merged = new LinkedHashMap<>();
    byWatch.forEach((watch, added) -> {
      scores.forEach((name, score) -> {
        if (name.startsWith(watch + "-")) {
          merged.put(name, score);
        }
      });
      added.forEach((metric, score) -> merged.put(watch + "-" + metric, score));
    });
    scores.forEach(merged::putIfAbsent);
    return new EvaluationLine(round, merged);
  }

  /** The line as printed for SageMaker's metric regexes. */
  public String format() {
    StringBuilder out = new StringBuilder().append('[').append(round).append(']');
    scores.forEach((name, score) -> out.append('\t').append(name).append(':')
        .append(String.format(Locale.ROOT, "%.5f", score)));
    return out.toString();
  }
}
