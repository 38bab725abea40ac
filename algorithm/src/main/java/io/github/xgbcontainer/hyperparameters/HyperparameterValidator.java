package io.github.xgbcontainer.hyperparameters;

import static io.github.xgbcontainer.hyperparameters.ValueType.quote;

import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.hyperparameters.Hyperparameter.Use;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Validates SageMaker's string hyperparameters in fixed phases — aliases, required, parse, range,
 * cross-field — and collects every problem before failing, so one run shows the user all of them.
 * A value that failed an earlier phase takes no part in later ones.
 */
final class HyperparameterValidator {

  private final List<String> errors = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  /** Canonical name to the trimmed text, in table order. */
  private final Map<String, String> texts = new LinkedHashMap<>();
  /** Canonical name to the key the user wrote, so messages use the user's spelling. */
  private final Map<String, String> givenNames = new LinkedHashMap<>();
  /** Canonical name to the parsed value, for values that passed every phase so far. */
  private final Map<String, Object> values = new LinkedHashMap<>();
  /** Canonical names whose value failed a phase; cross-field checks skip them. */
  private final Set<String> failed = new HashSet<>();

  private HyperparameterValidator() {}

  static Hyperparameters validate(Map<String, String> raw) {
    HyperparameterValidator validator = new HyperparameterValidator();
    validator.resolveAliases(raw);
    validator.checkRequired();
    validator.parse();
    validator.checkRanges();
    new CrossFieldRules(validator).check();
    if (!validator.errors.isEmpty()) {
      throw new UserError(String.join("\n", validator.errors));
    }
    return new Hyperparameters(validator.values, validator.givenNames, validator.warnings);
  }

  /** Phase 1: map every key to its canonical name; unknown keys and conflicting aliases fail. */
  private void resolveAliases(Map<String, String> raw) {
    Map<String, Map<String, String>> byCanonical = new LinkedHashMap<>();
    // Sorted, so the messages do not depend on the order of the JSON file.
    for (Map.Entry<String, String> entry : new TreeMap<>(trimKeys(raw)).entrySet()) {
      String key = entry.getKey();
      if (key.startsWith("sagemaker_") || key.startsWith("_sagemaker_")) {
        continue; // SageMaker's own settings (sagemaker_program, sagemaker_region, ...) are not ours.
      }
      Optional<Hyperparameter> parameter = HyperparameterTable.lookup(key);
      if (parameter.isEmpty()) {
        errors.add(unknownKey(key));
        continue;
      }
      byCanonical
          .computeIfAbsent(parameter.get().name(), k -> new TreeMap<>())
          .put(key, normalize(entry.getValue()));
    }
    for (Hyperparameter parameter : HyperparameterTable.ALL) {
      Map<String, String> given = byCanonical.get(parameter.name());
      if (given == null) {
        continue;
      }
      if (given.values().stream().distinct().count() > 1) {
        List<String> keys = new ArrayList<>(given.keySet());
        keys.sort((a, b) -> Boolean.compare(!a.equals(parameter.name()), !b.equals(parameter.name())));
        errors.add(
            "hyperparameters "
                + String.join(" and ", keys.stream().map(ValueType::quote).toList())
                + " are the same parameter but have different values, "
                + String.join(" and ", keys.stream().map(k -> quote(given.get(k))).toList())
                + "; give only one");
        failed.add(parameter.name());
        continue;
      }
      String name = given.containsKey(parameter.name()) ? parameter.name() : given.keySet().iterator().next();
      givenNames.put(parameter.name(), name);
      texts.put(parameter.name(), given.get(name));
    }
  }

  /** Phase 2: required parameters are present. */
  private void checkRequired() {
    for (Hyperparameter parameter : HyperparameterTable.ALL) {
      if (parameter.required() && !texts.containsKey(parameter.name()) && !failed.contains(parameter.name())) {
        errors.add("missing required hyperparameter " + quote(parameter.name()));
      }
    }
  }

  /** Phase 3: every value parses as its type. */
  private void parse() {
    for (Map.Entry<String, String> entry : texts.entrySet()) {
      Hyperparameter parameter = HyperparameterTable.get(entry.getKey());
      try {
        values.put(parameter.name(), parameter.type().parse(entry.getValue()));
      } catch (InvalidValue e) {
        fail(parameter.name(), e.getMessage());
      }
    }
  }

  /** Phase 4: numbers lie in their interval, words in their allowed set. */
  private void checkRanges() {
    for (Map.Entry<String, Object> entry : List.copyOf(values.entrySet())) {
      Hyperparameter parameter = HyperparameterTable.get(entry.getKey());
      Object value = entry.getValue();
      String text = texts.get(parameter.name());
      List<?> items = value instanceof List<?> list ? list : List.of(value);
      for (Object item : items) {
        String itemText = value instanceof List<?> ? itemText(item) : text;
        if (parameter.range() != null && item instanceof Number number
            && !parameter.range().contains(number.doubleValue())) {
          fail(parameter.name(), quote(itemText) + " is not in " + parameter.range());
          break;
        }
        if (!parameter.allowed().isEmpty() && item instanceof String word
            && !parameter.allowed().contains(word)) {
          fail(parameter.name(), quote(itemText) + " is not one of " + String.join(", ", parameter.allowed()));
          break;
        }
      }
    }
  }

  private static String itemText(Object item) {
    return item instanceof Double d ? Interval.format(d) : String.valueOf(item);
  }

  // Access for the cross-field rules.

  /** Whether the parameter was given and valid so far. */
  boolean has(String name) {
    return values.containsKey(name);
  }

  /** Whether the parameter's value, given or default, can be relied on. */
  boolean usable(String name) {
    return !failed.contains(name);
  }

  /** The value given, or the table's default; empty when neither. */
  Optional<Object> effective(String name) {
    if (values.containsKey(name)) {
      return Optional.of(values.get(name));
    }
    return HyperparameterTable.defaultOf(name);
  }

  String effectiveString(String name) {
    return (String) effective(name).orElseThrow();
  }

  /** The key as the user wrote it, or the canonical name. */
  String given(String name) {
    return givenNames.getOrDefault(name, name);
  }

  String text(String name) {
    return texts.get(name);
  }

  void fail(String name, String fragment) {
    errors.add("hyperparameter " + quote(given(name)) + ": " + fragment);
    failed.add(name);
    values.remove(name);
  }

  void error(String message) {
    errors.add(message);
  }

  void warn(String message) {
    warnings.add(message);
  }

  /** Each given parameter's row, in table order. */
  List<Hyperparameter> givenParameters() {
    return HyperparameterTable.ALL.stream().filter(p -> values.containsKey(p.name())).toList();
  }

  /** The value replacing a deprecated one, e.g. reg:linear becoming reg:squarederror. */
  void replace(String name, Object value) {
    values.put(name, Objects.requireNonNull(value));
  }

  static boolean isIgnored(Hyperparameter parameter) {
    return parameter.use() == Use.IGNORED;
  }

  // Helpers for phase 1.

  private static Map<String, String> trimKeys(Map<String, String> raw) {
    Map<String, String> trimmed = new LinkedHashMap<>();
    raw.forEach((key, value) -> trimmed.put(normalize(key), value == null ? "" : value));
    return trimmed;
  }

  /** Trims whitespace and one pair of surrounding quotes: {@code " '0.1' "} is {@code 0.1}. */
  static String normalize(String text) {
    String trimmed = text.strip();
    if (trimmed.length() >= 2) {
      char first = trimmed.charAt(0);
      char last = trimmed.charAt(trimmed.length() - 1);
      if ((first == '"' || first == '\'') && first == last) {
        trimmed = trimmed.substring(1, trimmed.length() - 1).strip();
      }
    }
    return trimmed;
  }

  private static String unknownKey(String key) {
    String message = "unknown hyperparameter " + quote(key);
    return closest(key).map(name -> message + ", did you mean " + quote(name) + "?").orElse(message);
  }

  /** The known name nearest to {@code key} by edit distance, when it is close enough to be a typo. */
  static Optional<String> closest(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    // A third of the key's length allows one typo in a short name and up to three in a long one.
    int limit = Math.min(3, lower.length() / 3);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String name : HyperparameterTable.allNames()) {
      int distance = editDistance(lower, name);
      if (distance < bestDistance) {
        best = name;
        bestDistance = distance;
      }
    }
    return bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  /** Levenshtein distance: insertions, deletions and substitutions each cost one. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
