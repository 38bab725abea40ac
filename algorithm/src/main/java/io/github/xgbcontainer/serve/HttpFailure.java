package io.github.xgbcontainer.serve;

/**
 * A request answered with an error status and a one-line message; the server goes on. The
 * multi-model endpoints answer theirs as the official image's model server does, in JSON with an
 * error type ({@code {"code":404,"type":"ModelNotFoundException","message":"Model not found: m"}}).
 */
final class HttpFailure extends RuntimeException {

  private final int status;
  private final String type;

  HttpFailure(int status, String message) {
    this(status, null, message);
  }

  /** @param type the error's type for a JSON answer, or {@code null} for a plain-text one */
  HttpFailure(int status, String type, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
  }

  int status() {
    return status;
  }

  /** The error's type in a JSON answer, or {@code null} when the answer is plain text. */
  String type() {
    return type;
  }
}
