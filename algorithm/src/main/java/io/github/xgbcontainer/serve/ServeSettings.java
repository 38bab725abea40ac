package io.github.xgbcontainer.serve;

import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.sagemaker.ServingVariables;
import java.util.Map;

/**
 * The serving configuration SageMaker passes in the environment.
 *
 * @param port the port to listen on, 0 for any free port (tests); default 8080
 * @param maxPayloadMb the largest request body in MB (MiB), default 6
 * @param inferenceOutput {@code SAGEMAKER_INFERENCE_OUTPUT}, or {@code null} for the score
 * @param batch whether this is a batch transform ({@code SAGEMAKER_BATCH} set)
 * @param threads requests predicted at once: the cores
 * @param bodySeconds how long a request body may take to arrive, from its headers to its last byte;
 *     default 60
 * @param stopGraceSeconds how long SIGTERM waits for accepted requests to finish; default 30
 */
public record ServeSettings(int port, int maxPayloadMb, String inferenceOutput, boolean batch, int threads,
    int bodySeconds, int stopGraceSeconds) {

  public ServeSettings {
    if (port < 0 || port > 65535) {
      throw new UserError(ServingVariables.BIND_TO_PORT + ": " + port + " is not a port, perhaps you"
          + " should use one in [0, 65535]");
    }
    if (maxPayloadMb < 1) {
      throw new UserError(ServingVariables.MAX_PAYLOAD_IN_MB + ": " + maxPayloadMb + " is not in [1, inf)");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads " + threads);
    }
    if (bodySeconds < 1) {
      throw new UserError(ServingVariables.BODY_SECONDS + ": " + bodySeconds + " is not in [1, inf)");
    }
    if (stopGraceSeconds < 0) {
      throw new UserError(ServingVariables.STOP_GRACE_SECONDS + ": " + stopGraceSeconds + " is not in [0, inf)");
    }
  }

  /** The settings with the default body deadline and stop grace. */
  public ServeSettings(int port, int maxPayloadMb, String inferenceOutput, boolean batch, int threads) {
    this(port, maxPayloadMb, inferenceOutput, batch, threads, ServingVariables.DEFAULT_BODY_SECONDS,
        ServingVariables.DEFAULT_STOP_GRACE_SECONDS);
  }

  /** Reads the variables, with their defaults. */
  public static ServeSettings fromEnvironment(Map<String, String> env) {
    int port = integer(env, ServingVariables.BIND_TO_PORT, ServingVariables.DEFAULT_PORT);
    int mb = integer(env, ServingVariables.MAX_PAYLOAD_IN_MB, ServingVariables.DEFAULT_MAX_PAYLOAD_IN_MB);
    String output = env.get(ServingVariables.INFERENCE_OUTPUT);
    String batch = env.get(ServingVariables.BATCH);
    return new ServeSettings(port, mb, output == null || output.isBlank() ? null : output,
        batch != null && !batch.isBlank() && !batch.equalsIgnoreCase("false"),
        Runtime.getRuntime().availableProcessors(),
        integer(env, ServingVariables.BODY_SECONDS, ServingVariables.DEFAULT_BODY_SECONDS),
        integer(env, ServingVariables.STOP_GRACE_SECONDS, ServingVariables.DEFAULT_STOP_GRACE_SECONDS));
  }

  /** The payload limit in bytes. */
  public long maxPayloadBytes() {
    return maxPayloadMb * 1024L * 1024L;
  }

  private static int integer(Map<String, String> env, String name, int fallback) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(raw.strip());
    } catch (NumberFormatException e) {
      throw new UserError(name + ": '" + raw + "' is not an integer");
    }
  }
}
