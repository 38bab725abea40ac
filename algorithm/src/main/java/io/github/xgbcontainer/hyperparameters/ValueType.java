package io.github.xgbcontainer.hyperparameters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.xgbcontainer.json.JsonText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a hyperparameter's string (SageMaker writes every value as a string) becomes a typed value.
 * Parsing checks the shape only; ranges and allowed values are the next phase.
 */
enum ValueType {
  /** An {@code int}. */
  INTEGER("integer"),
  /** A finite {@code double}. */
  FLOAT("float"),
  /** {@code true} or {@code false}, any case. */
  BOOLEAN("boolean"),
  /** {@code true}, {@code false}, {@code 1} or {@code 0}: the official image takes these as integers. */
  FLAG("boolean (0 or 1)"),
  /** One word from a fixed set. */
  CATEGORY("string"),
  /** Comma-separated words from a fixed set. */
  CATEGORY_LIST("comma-separated list"),
  /** One float, or a list of floats {@code [0.1, 0.5]}. */
  FLOAT_OR_LIST("float or list of floats"),
  /** Comma-separated XGBoost metrics, with {@code @} arguments. */
  METRIC_LIST("comma-separated list"),
  /** {@code <channel>:<metric>}, the metric a SageMaker tuning job optimises. */
  CHANNEL_METRIC("channel:metric"),
  /** {@code cpu}, {@code cuda}, {@code cuda:<ordinal>}, {@code gpu} or {@code gpu:<ordinal>}. */
  DEVICE("string"),
  /** A tuple of -1, 0 and 1, one per feature: {@code (1,0,-1)}. */
  MONOTONE("tuple of -1, 0, 1"),
  /** A list of lists of feature indices: {@code [[0,1],[2,3]]}. */
  INTERACTION("nested list of feature indices");

  private static final Pattern INT = Pattern.compile("[+-]?\\d+");
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern DEVICE_NAME = Pattern.compile("cpu|(cuda|gpu)(:\\d+)?");

  private final String docName;

  ValueType(String docName) {
    this.docName = docName;
  }

  /** The type as the documentation table names it. */
  String docName() {
    return docName;
  }

  /** Parses a trimmed value, or says why it is not of this type. */
  Object parse(String text) throws InvalidValue {
    return switch (this) {
      case INTEGER -> parseInt(text);
      case FLOAT -> parseFloat(text);
      case BOOLEAN -> parseBoolean(text, false);
      case FLAG -> parseBoolean(text, true);
      case CATEGORY -> text;
      case CATEGORY_LIST -> splitList(text);
      case FLOAT_OR_LIST -> parseFloatOrList(text);
      case METRIC_LIST -> parseMetrics(text);
      case CHANNEL_METRIC -> parseChannelMetric(text);
      case DEVICE -> parseDevice(text);
      case MONOTONE -> parseMonotone(text);
      case INTERACTION -> parseInteraction(text);
    };
  }

  static int parseInt(String text) throws InvalidValue {
    if (!INT.matcher(text).matches()) {
      throw new InvalidValue(quote(text) + " is not an integer");
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new InvalidValue(
          quote(text) + " is not an integer in [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]");
    }
  }

  static double parseFloat(String text) throws InvalidValue {
    // The pattern keeps out what Double.parseDouble would also take: NaN, Infinity, 1f, hex floats.
    if (!NUMBER.matcher(text).matches()) {
      throw new InvalidValue(quote(text) + " is not a number");
    }
    double value = Double.parseDouble(text);
    if (Double.isInfinite(value)) {
      throw new InvalidValue(quote(text) + " is not a finite number");
    }
    return value;
  }

  private static boolean parseBoolean(String text, boolean digits) throws InvalidValue {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.equals("true") || digits && lower.equals("1")) {
      return true;
    }
    if (lower.equals("false") || digits && lower.equals("0")) {
      return false;
    }
    throw new InvalidValue(quote(text) + (digits ? " is not 0, 1, true or false" : " is not true or false"));
  }

  private static List<String> splitList(String text) throws InvalidValue {
    List<String> items = new ArrayList<>();
    for (String item : text.split(",", -1)) {
      String trimmed = item.trim();
      if (trimmed.isEmpty()) {
        throw new InvalidValue(quote(text) + " has an empty item; separate items with single commas");
      }
      items.add(trimmed);
    }
    return List.copyOf(items);
  }

  private static Object parseFloatOrList(String text) throws InvalidValue {
    if (text.startsWith("[") && text.endsWith("]")) {
      String inner = text.substring(1, text.length() - 1).trim();
      if (inner.isEmpty()) {
        throw new InvalidValue(quote(text) + " is an empty list");
      }
      List<Double> values = new ArrayList<>();
      for (String item : splitList(inner)) {
        values.add(parseFloat(item));
      }
      return List.copyOf(values);
    }
    return parseFloat(text);
  }

  private static List<String> parseMetrics(String text) throws InvalidValue {
    List<String> metrics = splitList(text);
    for (String metric : metrics) {
      EvalMetric.check(metric);
    }
    return metrics;
  }

  private static String parseChannelMetric(String text) throws InvalidValue {
    int colon = text.indexOf(':');
    String channel = colon < 0 ? "" : text.substring(0, colon);
    if (!channel.equals("train") && !channel.equals("validation")) {
      throw new InvalidValue(
          quote(text) + " is not of the form train:<metric> or validation:<metric>");
    }
    EvalMetric.check(text.substring(colon + 1));
    return text;
  }

  private static String parseDevice(String text) throws InvalidValue {
    if (!DEVICE_NAME.matcher(text).matches()) {
      throw new InvalidValue(
          quote(text) + " is not one of cpu, cuda, cuda:<ordinal>, gpu, gpu:<ordinal>");
    }
    return text;
  }

  /** {@code (1,0,-1)}, {@code [1,0,-1]} or {@code 1,0,-1}: read as data, never evaluated. */
  private static List<Integer> parseMonotone(String text) throws InvalidValue {
    String inner = text;
    if (text.startsWith("(") && text.endsWith(")") || text.startsWith("[") && text.endsWith("]")) {
      inner = text.substring(1, text.length() - 1).trim();
    }
    String problem = quote(text) + " is not a tuple of -1, 0 and 1 such as (1,0,-1)";
    if (inner.isEmpty()) {
      throw new InvalidValue(problem);
    }
    List<Integer> values = new ArrayList<>();
    for (String item : inner.split(",", -1)) {
      String trimmed = item.trim();
      switch (trimmed) {
        case "-1" -> values.add(-1);
        case "0" -> values.add(0);
        case "1", "+1" -> values.add(1);
        default -> throw new InvalidValue(problem);
      }
    }
    return List.copyOf(values);
  }

  /** {@code [[0,1],[2,3]]}, read as JSON data: never evaluated. */
  private static List<List<Integer>> parseInteraction(String text) throws InvalidValue {
    return Json.readInteraction(text);
  }

  /** Jackson, loaded on first use, so the documentation generator runs without it on the class path. */
  private static final class Json {
    static List<List<Integer>> readInteraction(String text) throws InvalidValue {
      String problem = quote(text) + " is not a list of lists of feature indices such as [[0,1],[2,3]]";
      JsonNode root;
      try {
        root = JsonText.parse(text);
      } catch (JsonProcessingException e) {
        throw new InvalidValue(problem);
      }
      if (root == null || !root.isArray() || root.isEmpty()) {
        throw new InvalidValue(problem);
      }
      List<List<Integer>> groups = new ArrayList<>();
      for (JsonNode group : root) {
        if (!group.isArray() || group.isEmpty()) {
          throw new InvalidValue(problem);
        }
        List<Integer> indices = new ArrayList<>();
        for (JsonNode index : group) {
          if (!index.isIntegralNumber() || !index.canConvertToInt() || index.intValue() < 0) {
            throw new InvalidValue(problem);
          }
          indices.add(index.intValue());
        }
        groups.add(List.copyOf(indices));
      }
      return List.copyOf(groups);
    }
  }

  static String quote(String text) {
    return "'" + text + "'";
  }
}
