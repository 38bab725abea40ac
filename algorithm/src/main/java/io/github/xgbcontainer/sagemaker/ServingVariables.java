package io.github.xgbcontainer.sagemaker;

/**
 * The environment variables SageMaker hosting and batch transform set for a serving container.
 *
 * <p>See https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html and
 * https://docs.aws.amazon.com/sagemaker/latest/dg/xgboost.html (selectable inference output).
 */
public final class ServingVariables {

  private ServingVariables() {}

  /** The port to listen on; SageMaker sets it when the image carries the accept-bind-to-port label. */
  public static final String BIND_TO_PORT = "SAGEMAKER_BIND_TO_PORT";

  /** The port when {@link #BIND_TO_PORT} is not set. */
  public static final int DEFAULT_PORT = 8080;

  /** Comma-separated output keys (predicted_label, probability, ...), as the official image reads them. */
  public static final String INFERENCE_OUTPUT = "SAGEMAKER_INFERENCE_OUTPUT";

  /** Set for batch transform. */
  public static final String BATCH = "SAGEMAKER_BATCH";

  /** The largest request body in MB (the official image answers 6 in /execution-parameters). */
  public static final String MAX_PAYLOAD_IN_MB = "SAGEMAKER_MAX_PAYLOAD_IN_MB";

  /** The payload limit when {@link #MAX_PAYLOAD_IN_MB} is not set. */
  public static final int DEFAULT_MAX_PAYLOAD_IN_MB = 6;

  /** The header SageMaker forwards from InvokeEndpoint's CustomAttributes. */
  public static final String CUSTOM_ATTRIBUTES_HEADER = "X-Amzn-SageMaker-Custom-Attributes";

  /**
   * Seconds a request body may take to arrive, from its headers to its last byte (ours, not
   * SageMaker's): a client that stalls or trickles is answered 408 and cut off then.
   */
  public static final String BODY_SECONDS = "XGBC_SERVE_BODY_SECONDS";

  /** The body deadline when {@link #BODY_SECONDS} is not set: 6 MB at 100 KB/s. */
  public static final int DEFAULT_BODY_SECONDS = 60;

  /**
   * Seconds {@code serve} waits on SIGTERM for the requests it has accepted to finish (ours):
   * it stops accepting at once, answers what it holds within this time, and exits 0.
   */
  public static final String STOP_GRACE_SECONDS = "XGBC_SERVE_STOP_GRACE_SECONDS";

  /** The grace when {@link #STOP_GRACE_SECONDS} is not set. */
  public static final int DEFAULT_STOP_GRACE_SECONDS = 30;

  /**
   * The answer's type when a request's {@code Accept} is missing or {@code *}{@code /*}, as the
   * official image reads it; {@code text/csv} when not set.
   */
  public static final String DEFAULT_INVOCATIONS_ACCEPT = "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT";

  /** {@code true} turns a multi-model endpoint on: models are loaded and unloaded through {@code /models}. */
  public static final String MULTI_MODEL = "SAGEMAKER_MULTI_MODEL";

  /**
   * Whether a model folder holding several model files is served as their ensemble ({@code true},
   * the official image's default) or by its first file only.
   */
  public static final String INFERENCE_ENSEMBLE = "SAGEMAKER_INFERENCE_ENSEMBLE";

  /** The official image's payload limit in bytes (6291456 when not set); {@link #MAX_PAYLOAD_IN_MB} wins. */
  public static final String MAX_CONTENT_LENGTH = "MAX_CONTENT_LENGTH";

  /**
   * The memory, in MiB, the models of a multi-model endpoint may take together (ours): a model that
   * does not fit makes room by unloading the least recently used ones, and one larger than the
   * whole budget is refused with 507. Default: half of the machine's (the container's) memory.
   */
  public static final String MULTI_MODEL_MEMORY_MB = "XGBC_MULTI_MODEL_MEMORY_MB";

  /** The header naming the model of a multi-model endpoint that {@code /invocations} is for. */
  public static final String TARGET_MODEL_HEADER = "X-Amzn-SageMaker-Target-Model";

  /**
   * The device {@code serve} predicts on (ours): unset or {@code cpu} for the CPU, {@code cuda} or
   * {@code cuda:N} for a GPU, which the GPU image uses when the container sees one (the CPU otherwise).
   */
  public static final String SERVE_DEVICE = "XGBC_SERVE_DEVICE";
}
