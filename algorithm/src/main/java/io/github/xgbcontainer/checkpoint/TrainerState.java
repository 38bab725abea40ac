package io.github.xgbcontainer.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trainer's state after some rounds, which a checkpoint carries beside its model so that a
 * resumed job continues its evaluation history and early stopping where they were. On disk it is
 * the {@code state} object of {@code xgboost-checkpoint.N.json}:
 * <pre>{"history": [{"round": 0, "scores": {"train-rmse": 0.5}}], "stopped_early": false,
 *  "stopping_metric": "validation-rmse", "best_score": 0.5, "best_round": 0}</pre>
 * where the last three keys are there only while early stopping runs.
 *
 * @param history every round's scores, in round order
 * @param stoppedEarly whether early stopping ended training
 * @param stopping where early stopping stands, when it runs
 */
public record TrainerState(List<Round> history, boolean stoppedEarly, Optional<Stopping> stopping) {

  /** No rounds yet, or a checkpoint without trainer state (a plain model). */
  public static final TrainerState EMPTY = new TrainerState(List.of(), false, Optional.empty());

  public TrainerState {
    history = List.copyOf(history);
    if (stopping == null) {
      throw new IllegalArgumentException("stopping must be given (Optional.empty() when early stopping is off)");
    }
  }

  /**
   * One round's scores.
   *
   * @param round the zero-based round
   * @param scores {@code channel-metric} to score, in the order XGBoost printed them
   */
  public record Round(int round, Map<String, Double> scores) {
    public Round {
      if (round < 0) {
        throw new IllegalArgumentException("a round is at least 0, got " + round);
      }
      scores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }
  }

  /**
   * Early stopping's watch.
   *
   * @param metric the watched key, e.g. {@code validation-auc}
   * @param bestScore the best score so far
   * @param bestRound the zero-based round of the best score
   */
  public record Stopping(String metric, double bestScore, int bestRound) {
    public Stopping {
      if (metric == null || metric.isEmpty()) {
        throw new IllegalArgumentException("early stopping watches a metric");
      }
    }
  }

  /** The JSON form, as maps and lists in the key order above. */
  Map<String, Object> toJson() {
    Map<String, Object> state = new LinkedHashMap<>();
    List<Map<String, Object>> rounds = new ArrayList<>();
    for (Round line : history) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("round", line.round());
      entry.put("scores", line.scores());
      rounds.add(entry);
    }
    state.put("history", rounds);
    state.put("stopped_early", stoppedEarly);
    stopping.ifPresent(s -> {
      state.put("stopping_metric", s.metric());
      state.put("best_score", s.bestScore());
      state.put("best_round", s.bestRound());
    });
    return state;
  }

  /**
   * Reads the JSON form back, as Jackson decodes it into maps and lists. A score JSON cannot hold as
   * a number ({@code NaN}, {@code Infinity}) is written by Jackson as a string and read back here.
   *
   * @throws IllegalArgumentException when a key has the wrong shape
   */
  static TrainerState fromJson(Map<String, Object> json) {
    List<Round> history = new ArrayList<>();
    for (Object o : list(json.getOrDefault("history", List.of()), "history")) {
      Map<String, Object> entry = map(o, "a history entry");
      Map<String, Double> scores = new LinkedHashMap<>();
      map(entry.get("scores"), "scores").forEach((k, v) -> scores.put(k, number(v, "score '" + k + "'")));
      history.add(new Round((int) number(entry.get("round"), "round"), scores));
    }
    boolean stoppedEarly = Boolean.TRUE.equals(json.get("stopped_early"));
    Optional<Stopping> stopping = Optional.empty();
    if (json.get("stopping_metric") instanceof String metric) {
      stopping = Optional.of(new Stopping(metric, number(json.get("best_score"), "best_score"),
          (int) number(json.get("best_round"), "best_round")));
    }
    return new TrainerState(history, stoppedEarly, stopping);
  }

  private static double number(Object value, String what) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException("the trainer state's " + what + " is not a number: " + value);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String what) {
    if (value instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new IllegalArgumentException("the trainer state's " + what + " is not an object: " + value);
  }

  private static List<?> list(Object value, String what) {
    if (value instanceof List<?> l) {
      return l;
    }
    throw new IllegalArgumentException("the trainer state's " + what + " is not a list: " + value);
  }
}
