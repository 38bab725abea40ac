package io.github.xgbcontainer.output;

import io.github.xgbcontainer.error.ContainerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code output/failure}: the reason SageMaker shows as the job's FailureReason. Written once per
 * process; the first error wins, so a later cleanup failure cannot hide the cause.
 */
public final class FailureFile {

  private final Path file;
  private final AtomicBoolean written = new AtomicBoolean();

  public FailureFile(Path file) {
    this.file = file;
  }

  /** The text written for an error: its kind, then its message. */
  public static String text(ContainerException error) {
    return error.kind().label() + ": " + error.getMessage();
  }

  /** Removes a failure file left by an earlier run in the same folder. */
  public void clearStale() throws IOException {
    Files.deleteIfExists(file);
  }

  /** Writes the reason unless one was already written by this process; returns whether it wrote. */
  public boolean write(ContainerException error) {
    if (!written.compareAndSet(false, true)) {
      return false;
    }
    try {
      AtomicFiles.write(file, (text(error) + "\n").getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (RuntimeException e) {
      System.err.println("cannot write the failure file " + file + ": " + e.getMessage());
      return false;
    }
  }
}
