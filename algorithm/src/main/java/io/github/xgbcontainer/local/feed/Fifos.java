package io.github.xgbcontainer.local.feed;

import io.github.xgbcontainer.error.PlatformError;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Making named pipes, and releasing a writer that waits for a reader that will never come. */
final class Fifos {

  /** Paths per {@code mkfifo} call: one process for many FIFOs, well below the argument limit. */
  private static final int PER_CALL = 200;

  private Fifos() {}

  /** Makes each FIFO (mode 0666, replacing what is there), with its parent folders. */
  static void make(List<Path> fifos) {
    try {
      for (Path fifo : fifos) {
        Files.createDirectories(fifo.getParent());
        Files.deleteIfExists(fifo);
      }
      for (int from = 0; from < fifos.size(); from += PER_CALL) {
        List<String> command = new ArrayList<>(List.of("mkfifo", "-m", "0666"));
        fifos.subList(from, Math.min(fifos.size(), from + PER_CALL)).forEach(f -> command.add(f.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
          throw new PlatformError("mkfifo failed: " + out.trim());
        }
      }
    } catch (IOException e) {
      throw new PlatformError("cannot make the FIFOs under " + fifos.get(0).getParent() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformError("interrupted while making FIFOs under " + fifos.get(0).getParent(), e);
    }
  }

  /**
   * Lets a writer blocked in {@code open()} of {@code fifo} return: opening the FIFO for reading and
   * writing at once does not block on Linux (fifo(7)) and counts as a reader, so the writer's open
   * completes; once this closes it again, the writer's first write fails with "Broken pipe". A
   * writer not blocked there is not affected.
   */
  static void release(Path fifo) {
    try (FileChannel ignored = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      // opened and closed: that is all it takes
    } catch (IOException ignored) {
      // gone already: nobody can be waiting on it
    }
  }
}
