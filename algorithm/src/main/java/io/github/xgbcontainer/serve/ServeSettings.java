package io.github.xgbcontainer.serve;

import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.sagemaker.ServingVariables;
import java.lang.management.ManagementFactory;
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
 * @param defaultAccept the answer's type for a missing or {@code *}{@code /*} Accept; default CSV
 * @param multiModel whether models come and go through {@code /models} ({@code SAGEMAKER_MULTI_MODEL=true})
 * @param modelMemoryBytes what the models of a multi-model endpoint may take together
 * @param ensemble whether a folder of several model files is served as their ensemble; default true
 */
public record ServeSettings(int port, int maxPayloadMb, String inferenceOutput, boolean batch, int threads,
    int bodySeconds, int stopGraceSeconds, ContentType defaultAccept, boolean multiModel, long modelMemoryBytes,
    boolean ensemble) {

  private static final long MIB = 1024L * 1024L;

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
    if (defaultAccept == null) {
      throw new IllegalArgumentException("defaultAccept");
    }
    if (modelMemoryBytes < 1) {
      throw new UserError(ServingVariables.MULTI_MODEL_MEMORY_MB + ": " + modelMemoryBytes / MIB
          + " is not in [1, inf)");
    }
  }

  /** The settings with the default body deadline and stop grace. */
  public ServeSettings(int port, int maxPayloadMb, String inferenceOutput, boolean batch, int threads) {
    this(port, maxPayloadMb, inferenceOutput, batch, threads, ServingVariables.DEFAULT_BODY_SECONDS,
        ServingVariables.DEFAULT_STOP_GRACE_SECONDS);
  }

  /** One model folder, answers in CSV by default. */
  public ServeSettings(int port, int maxPayloadMb, String inferenceOutput, boolean batch, int threads,
      int bodySeconds, int stopGraceSeconds) {
    this(port, maxPayloadMb, inferenceOutput, batch, threads, bodySeconds, stopGraceSeconds, ContentType.CSV,
        false, defaultModelMemory(), true);
  }

  /** The same settings for a multi-model endpoint whose models may take {@code memoryBytes} together. */
  public ServeSettings multiModel(long memoryBytes) {
    return new ServeSettings(port, maxPayloadMb, inferenceOutput, batch, threads, bodySeconds, stopGraceSeconds,
        defaultAccept, true, memoryBytes, ensemble);
  }

  /** The same settings answering {@code accept} when a request names no type. */
  public ServeSettings answeringByDefault(ContentType accept) {
    return new ServeSettings(port, maxPayloadMb, inferenceOutput, batch, threads, bodySeconds, stopGraceSeconds,
        accept, multiModel, modelMemoryBytes, ensemble);
  }

  /** The same settings with {@code SAGEMAKER_INFERENCE_ENSEMBLE} set to {@code ensemble}. */
  public ServeSettings withEnsemble(boolean ensemble) {
    return new ServeSettings(port, maxPayloadMb, inferenceOutput, batch, threads, bodySeconds, stopGraceSeconds,
        defaultAccept, multiModel, modelMemoryBytes, ensemble);
  }

  /** Reads the variables, with their defaults. */
  public static ServeSettings fromEnvironment(Map<String, String> env) {
    int port = integer(env, ServingVariables.BIND_TO_PORT, ServingVariables.DEFAULT_PORT);
    // The official image reads its limit in bytes from MAX_CONTENT_LENGTH and answers it in whole MB.
    long contentLength = integer(env, ServingVariables.MAX_CONTENT_LENGTH,
        ServingVariables.DEFAULT_MAX_PAYLOAD_IN_MB * (int) MIB);
    int mb = integer(env, ServingVariables.MAX_PAYLOAD_IN_MB, (int) Math.max(1, contentLength / MIB));
    String output = env.get(ServingVariables.INFERENCE_OUTPUT);
    String batch = env.get(ServingVariables.BATCH);
    String accept = env.get(ServingVariables.DEFAULT_INVOCATIONS_ACCEPT);
    ContentType defaultAccept = ContentType.CSV;
    if (accept != null && !accept.isBlank()) {
      defaultAccept = ContentType.ofResponse(accept);
      if (defaultAccept == null) {
        throw new UserError(ServingVariables.DEFAULT_INVOCATIONS_ACCEPT + ": '" + accept + "' is not a type"
            + " this server answers in, perhaps you should use one of " + ContentType.supportedResponses());
      }
    }
    long memoryMb = integer(env, ServingVariables.MULTI_MODEL_MEMORY_MB, (int) Math.min(Integer.MAX_VALUE,
        defaultModelMemory() / MIB));
    String ensemble = env.get(ServingVariables.INFERENCE_ENSEMBLE);
    return new ServeSettings(port, mb, output == null || output.isBlank() ? null : output,
        batch != null && !batch.isBlank() && !batch.equalsIgnoreCase("false"),
        Runtime.getRuntime().availableProcessors(),
        integer(env, ServingVariables.BODY_SECONDS, ServingVariables.DEFAULT_BODY_SECONDS),
        integer(env, ServingVariables.STOP_GRACE_SECONDS, ServingVariables.DEFAULT_STOP_GRACE_SECONDS),
        defaultAccept, "true".equalsIgnoreCase(strip(env.get(ServingVariables.MULTI_MODEL))), memoryMb * MIB,
        // as the official image reads it: on unless set to something other than "true"
        ensemble == null || ensemble.strip().equals("true"));
  }

  /** The payload limit in bytes. */
  public long maxPayloadBytes() {
    return maxPayloadMb * MIB;
  }

  /** Half of the memory the machine (or the container's limit) has. */
  static long defaultModelMemory() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(MIB, os.getTotalMemorySize() / 2);
    }
    return 1024 * MIB;
  }

  private static String strip(String s) {
    return s == null ? null : s.strip();
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
