package io.github.xgbcontainer.output;

import io.github.xgbcontainer.error.AlgorithmError;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mean absolute SHAP value per feature, from the rows {@code predictContrib} returns: per row,
 * {@code features + 1} values (the last is the bias) for each output group (one group, or one per
 * class).
 *
 * @param meanAbs feature name to mean |SHAP|, summed over output groups, in feature order
 * @param meanBias the bias column's mean, summed over output groups
 */
record ShapSummary(Map<String, Double> meanAbs, double meanBias) {

  ShapSummary {
    meanAbs = Collections.unmodifiableMap(new LinkedHashMap<>(meanAbs));
  }

  static ShapSummary of(float[][] contributions, List<String> featureNames) {
    int width = featureNames.size() + 1;
    double[] sums = new double[width];
    for (float[] row : contributions) {
      if (row.length % width != 0) {
        throw new AlgorithmError("SHAP rows have " + row.length + " values, not a multiple of "
            + width + " (" + featureNames.size() + " features and the bias)");
      }
      for (int i = 0; i < row.length; i++) {
        int column = i % width;
        sums[column] += column == width - 1 ? row[i] : Math.abs(row[i]);
      }
    }
    int rows = Math.max(1, contributions.length);
    Map<String, Double> meanAbs = new LinkedHashMap<>();
    for (int f = 0; f < featureNames.size(); f++) {
      meanAbs.put(featureNames.get(f), sums[f] / rows);
    }
    return new ShapSummary(meanAbs, sums[width - 1] / rows);
  }
}
