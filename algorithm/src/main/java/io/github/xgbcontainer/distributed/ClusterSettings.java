package io.github.xgbcontainer.distributed;

import io.github.xgbcontainer.error.UserError;
import java.time.Duration;
import java.util.Map;

/**
 * Knobs of multi-host training, read from the environment. Every host must see the same values:
 * the tracker port in particular is not exchanged, each host computes it.
 *
 * @param hostWait how long to wait for every host's name to resolve and for the tracker to answer
 *     (default 900 s, as SageMaker's training toolkit waits 15 minutes)
 * @param trackerPort the leader's tracker port for the roster; the training group uses the next
 *     port (default 9099, so 9099 and 9100 must be open between hosts)
 * @param timeoutSeconds XGBoost's {@code dmlc_timeout} for training: a host that dies or freezes
 *     makes the others fail within about this many seconds (default 60)
 */
public record ClusterSettings(Duration hostWait, int trackerPort, int timeoutSeconds) {

  /** Seconds to wait for hosts to resolve and the tracker to answer. */
  public static final String HOST_WAIT_ENV = "SM_HOST_WAIT_SECONDS";
  /** The roster tracker's port; the training tracker listens on the next one. */
  public static final String TRACKER_PORT_ENV = "SM_TRACKER_PORT";
  /** XGBoost's collective timeout for training, in seconds. */
  public static final String TIMEOUT_ENV = "SM_COLLECTIVE_TIMEOUT_SECONDS";

  public static final int DEFAULT_HOST_WAIT_SECONDS = 900;
  public static final int DEFAULT_TRACKER_PORT = 9099;
  public static final int DEFAULT_TIMEOUT_SECONDS = 60;

  public ClusterSettings {
    if (hostWait.isNegative() || hostWait.isZero()) {
      throw new IllegalArgumentException("hostWait must be positive: " + hostWait);
    }
    if (trackerPort < 1 || trackerPort > 65534) {
      throw new IllegalArgumentException("trackerPort must be in [1, 65534]: " + trackerPort);
    }
    if (timeoutSeconds < 1) {
      throw new IllegalArgumentException("timeoutSeconds must be positive: " + timeoutSeconds);
    }
  }

  /** The defaults. */
  public static ClusterSettings defaults() {
    return new ClusterSettings(Duration.ofSeconds(DEFAULT_HOST_WAIT_SECONDS), DEFAULT_TRACKER_PORT,
        DEFAULT_TIMEOUT_SECONDS);
  }

  /** Reads the three variables; unset or blank means the default. */
  public static ClusterSettings fromEnvironment(Map<String, String> env) {
    int wait = read(env, HOST_WAIT_ENV, DEFAULT_HOST_WAIT_SECONDS, 1, Integer.MAX_VALUE);
    int port = read(env, TRACKER_PORT_ENV, DEFAULT_TRACKER_PORT, 1, 65534);
    int timeout = read(env, TIMEOUT_ENV, DEFAULT_TIMEOUT_SECONDS, 1, Integer.MAX_VALUE);
    return new ClusterSettings(Duration.ofSeconds(wait), port, timeout);
  }

  /** The training group's tracker port: the roster's plus one. */
  public int trainingPort() {
    return trackerPort + 1;
  }

  private static int read(Map<String, String> env, String name, int fallback, int min, int max) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw.strip());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UserError("environment variable " + name + ": '" + raw + "' is not a whole number in ["
        + min + ", " + max + "]; perhaps you should unset it to use the default " + fallback);
  }
}
