package io.github.xgbcontainer.error;

/** The environment failed: a file the platform should have written, the disk, the network. */
public final class PlatformError extends ContainerException {

  public PlatformError(String message) {
    super(message, null);
  }

  public PlatformError(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public Kind kind() {
    return Kind.PLATFORM;
  }
}
