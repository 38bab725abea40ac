package io.github.xgbcontainer.hyperparameters;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One row of the hyperparameter table.
 *
 * @param name the canonical name, as XGBoost or SageMaker spells it
 * @param aliases other names for the same parameter ({@code learning_rate} for {@code eta})
 * @param type how the string value parses
 * @param range the numbers allowed (for numeric types and each number of a list), or null
 * @param allowed the words allowed (for categories and each word of a list); empty for any
 * @param defaultValue the value used when not given, as a user would write it; null for none
 * @param unsetMeaning what happens when not given and there is no default, for the docs
 * @param required whether the job fails without it
 * @param use where the value goes
 * @param appliesWhen the setting without which the parameter has no effect, or null
 * @param doc one line for the documentation table
 */
record Hyperparameter(
    String name,
    List<String> aliases,
    ValueType type,
    Interval range,
    List<String> allowed,
    String defaultValue,
    String unsetMeaning,
    boolean required,
    Use use,
    Condition appliesWhen,
    String doc) {

  Hyperparameter {
    Objects.requireNonNull(name);
    aliases = List.copyOf(aliases);
    Objects.requireNonNull(type);
    allowed = List.copyOf(allowed);
    Objects.requireNonNull(use);
    Objects.requireNonNull(doc);
    if (required && defaultValue != null) {
      throw new IllegalArgumentException(name + ": a required hyperparameter has no default");
    }
  }

  /** Where a parameter's value goes once it is valid. */
  enum Use {
    /** Passed to xgboost4j under its name. */
    XGBOOST,
    /** Read by this container (rounds, early stopping, cross-validation, file handling). */
    CONTAINER,
    /** Accepted for jobs written for older XGBoost versions, and dropped with a warning. */
    IGNORED
  }

  /**
   * A setting another parameter only matters under, e.g. {@code booster} is {@code dart}.
   *
   * @param key the canonical name of the parameter it depends on
   * @param values the values of {@code key} under which the parameter has an effect
   * @param description how the docs and warnings say it: {@code booster is dart}
   */
  record Condition(String key, Set<String> values, String description) {

    Condition {
      Objects.requireNonNull(key);
      values = Set.copyOf(values);
      Objects.requireNonNull(description);
    }
  }

  /** A fluent way to write a row; the table reads better with names than with eleven positions. */
  static Builder of(String name, ValueType type) {
    return new Builder(name, type);
  }

  static final class Builder {
    private final String name;
    private final ValueType type;
    private List<String> aliases = List.of();
    private Interval range;
    private List<String> allowed = List.of();
    private String defaultValue;
    private String unsetMeaning;
    private boolean required;
    private Use use = Use.XGBOOST;
    private Condition appliesWhen;

    private Builder(String name, ValueType type) {
      this.name = name;
      this.type = type;
    }

    Builder aliases(String... names) {
      aliases = List.of(names);
      return this;
    }

    Builder range(Interval interval) {
      range = interval;
      return this;
    }

    Builder allowed(List<String> words) {
      allowed = words;
      return this;
    }

    Builder allowed(String... words) {
      return allowed(List.of(words));
    }

    Builder byDefault(String value) {
      defaultValue = value;
      return this;
    }

    Builder whenUnset(String meaning) {
      unsetMeaning = meaning;
      return this;
    }

    Builder required() {
      required = true;
      return this;
    }

    Builder use(Use where) {
      use = where;
      return this;
    }

    Builder appliesWhen(String key, Set<String> values, String description) {
      appliesWhen = new Condition(key, values, description);
      return this;
    }

    Hyperparameter doc(String text) {
      return new Hyperparameter(
          name, aliases, type, range, allowed, defaultValue, unsetMeaning, required, use, appliesWhen, text);
    }
  }
}
