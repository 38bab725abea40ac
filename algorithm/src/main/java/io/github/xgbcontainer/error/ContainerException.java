package io.github.xgbcontainer.error;

/**
 * Base of every failure the container reports. The subclass says whose fault it is, which decides
 * the exit code and the prefix of the failure file.
 */
public abstract sealed class ContainerException extends RuntimeException
    permits UserError, PlatformError, AlgorithmError {

  protected ContainerException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The kind of failure, as written at the start of the failure file. */
  public abstract Kind kind();

  /** Whose fault a failure is, with the process exit code it maps to. */
  public enum Kind {
    /** Bad input from the user: configuration, hyperparameters or data. */
    USER("ClientError", 1),
    /** The environment failed: disk, network, a missing file the platform should have written. */
    PLATFORM("PlatformError", 2),
    /** XGBoost or this container failed on valid input. */
    ALGORITHM("AlgorithmError", 3);

    private final String label;
    private final int exitCode;

    Kind(String label, int exitCode) {
      this.label = label;
      this.exitCode = exitCode;
    }

    /** The prefix SageMaker users see in the failure reason, e.g. {@code ClientError}. */
    public String label() {
      return label;
    }

    /** The process exit code for this kind. */
    public int exitCode() {
      return exitCode;
    }
  }
}
