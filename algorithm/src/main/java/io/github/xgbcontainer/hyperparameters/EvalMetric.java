package io.github.xgbcontainer.hyperparameters;

import static io.github.xgbcontainer.hyperparameters.ValueType.quote;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * XGBoost's evaluation metric names and their {@code @} forms ({@code ndcg@5}, {@code map@3-},
 * {@code error@0.7}, {@code pre@10}, {@code tweedie-nloglik@1.5}). XGBoost silently drops an {@code
 * @} argument on metrics that take none ({@code rmse@3}); we refuse it, as the official image does.
 * The names of {@link ContainerMetric} (accuracy, f1, r2, ...) are accepted too: the container
 * computes those itself.
 *
 * <p>See https://xgboost.readthedocs.io/en/stable/parameter.html#learning-task-parameters
 */
final class EvalMetric {

  /** Every metric XGBoost 3 evaluates natively, in the order of its parameter docs. */
  static final List<String> NAMES =
      List.of(
          "rmse",
          "rmsle",
          "mae",
          "mape",
          "mphe",
          "logloss",
          "error",
          "merror",
          "mlogloss",
          "auc",
          "aucpr",
          "pre",
          "ndcg",
          "map",
          "poisson-nloglik",
          "gamma-nloglik",
          "cox-nloglik",
          "gamma-deviance",
          "tweedie-nloglik",
          "aft-nloglik",
          "interval-regression-accuracy",
          "quantile",
          "ams");

  /** Metrics where larger is better; everything else is minimised. */
  private static final Set<String> MAXIMIZED =
      Set.of("auc", "aucpr", "map", "ndcg", "pre", "interval-regression-accuracy", "ams");

  /** Ranking metrics take a cut-off {@code @n}; ndcg and map also a trailing {@code -}. */
  private static final Set<String> WITH_CUTOFF = Set.of("ndcg", "map", "pre");

  private static final Pattern CUTOFF = Pattern.compile("\\d+");

  private EvalMetric() {}

  /** Says why {@code metric} is not an XGBoost metric, or returns quietly. */
  static void check(String metric) throws InvalidValue {
    if (ContainerMetric.of(metric).isPresent()) {
      return;
    }
    int at = metric.indexOf('@');
    String name = at < 0 ? metric : metric.substring(0, at);
    String argument = at < 0 ? null : metric.substring(at + 1);
    boolean minus = false;
    if ((name.equals("ndcg-") || name.equals("map-")) && argument == null) {
      return;
    }
    if (argument != null && argument.endsWith("-") && (name.equals("ndcg") || name.equals("map"))) {
      argument = argument.substring(0, argument.length() - 1);
      minus = true;
    }
    if (!NAMES.contains(name) && ContainerMetric.of(name).isEmpty()) {
      throw new InvalidValue(
          quote(metric)
              + " is not one of "
              + String.join(", ", NAMES)
              + ", or ndcg@n, map@n, pre@n, error@t, ams@t, tweedie-nloglik@rho, or the container's own "
              + String.join(", ", ContainerMetric.names()));
    }
    if (argument == null) {
      return;
    }
    if (WITH_CUTOFF.contains(name)) {
      if (!CUTOFF.matcher(argument).matches() || (minus && argument.isEmpty())) {
        throw new InvalidValue(
            quote(metric) + ": the cut-off after '@' is not a non-negative integer");
      }
    } else if (name.equals("error") || name.equals("ams")) {
      try {
        ValueType.parseFloat(argument);
      } catch (InvalidValue e) {
        throw new InvalidValue(quote(metric) + ": the threshold after '@' is not a number");
      }
    } else if (name.equals("tweedie-nloglik")) {
      double rho;
      try {
        rho = ValueType.parseFloat(argument);
      } catch (InvalidValue e) {
        throw new InvalidValue(quote(metric) + ": rho after '@' is not a number");
      }
      Interval allowed = new Interval(1, true, 2, false);
      if (!allowed.contains(rho)) {
        throw new InvalidValue(quote(metric) + ": rho after '@' is not in " + allowed);
      }
    } else {
      throw new InvalidValue(quote(metric) + ": '" + name + "' takes no '@' argument");
    }
  }

  /** The metric without its {@code @} argument or trailing {@code -}: {@code ndcg@5-} is ndcg. */
  static String baseName(String metric) {
    int at = metric.indexOf('@');
    String name = at < 0 ? metric : metric.substring(0, at);
    return name.endsWith("-") ? name.substring(0, name.length() - 1) : name;
  }

  static boolean maximizes(String metric) {
    return ContainerMetric.of(metric).map(ContainerMetric::maximize)
        .orElseGet(() -> MAXIMIZED.contains(baseName(metric)));
  }
}
