package io.github.xgbcontainer.local;

import io.github.xgbcontainer.local.plan.TrainingJobRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Finds the request's MetricDefinitions in log lines, keeping the last value of each, as
 * DescribeTrainingJob's FinalMetricDataList does. A line is tried as printed and, failing that,
 * with tabs written {@code #011}, as CloudWatch shows them to SageMaker's regexes.
 */
final class MetricScanner {

  private final Iterable<TrainingJobRequest.MetricDefinition> definitions;
  private final Map<String, Double> last = new LinkedHashMap<>();

  MetricScanner(Iterable<TrainingJobRequest.MetricDefinition> definitions) {
    this.definitions = definitions;
  }

  synchronized void accept(String line) {
    for (TrainingJobRequest.MetricDefinition d : definitions) {
      Matcher m = d.regex().matcher(line);
      if (!m.find()) {
        m = d.regex().matcher(line.replace("\t", "#011"));
        if (!m.find()) {
          continue;
        }
      }
      try {
        double value = Double.parseDouble(m.group(1).trim());
        if (Double.isFinite(value)) {
          last.put(d.name(), value);
        }
      } catch (NumberFormatException | NullPointerException e) {
        // SageMaker drops values that are not numbers
      }
    }
  }

  /** Metric name to its last value, in the order first seen. */
  synchronized Map<String, Double> finalValues() {
    return new LinkedHashMap<>(last);
  }
}
