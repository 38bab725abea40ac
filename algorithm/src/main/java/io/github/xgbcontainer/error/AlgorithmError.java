package io.github.xgbcontainer.error;

/** Training failed on input that passed validation: an XGBoost or container fault. */
public final class AlgorithmError extends ContainerException {

  public AlgorithmError(String message) {
    super(message, null);
  }

  public AlgorithmError(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public Kind kind() {
    return Kind.ALGORITHM;
  }
}
