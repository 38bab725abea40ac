package io.github.xgbcontainer.serve;

/** A request answered with an error status and a one-line message; the server goes on. */
final class HttpFailure extends RuntimeException {

  private final int status;

  HttpFailure(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
