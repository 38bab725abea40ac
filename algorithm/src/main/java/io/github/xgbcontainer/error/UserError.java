package io.github.xgbcontainer.error;

/** The user's input is wrong: configuration, hyperparameters or data. The message says how to fix it. */
public final class UserError extends ContainerException {

  public UserError(String message) {
    super(message, null);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public Kind kind() {
    return Kind.USER;
  }
}
