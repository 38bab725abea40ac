package io.github.xgbcontainer.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** This process's resident memory now and at its peak, from {@code /proc/self/status} (Linux). */
final class MemoryUsage {

  private MemoryUsage() {}

  /** E.g. {@code "resident 212 MiB, peak 318 MiB"}; empty where {@code /proc} is not available. */
  static String describe() {
    try {
      long rss = -1;
      long hwm = -1;
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kib(line);
        } else if (line.startsWith("VmHWM:")) {
          hwm = kib(line);
        }
      }
      return rss < 0 ? "" : String.format(Locale.ROOT, "resident %d MiB, peak %d MiB", rss / 1024, hwm / 1024);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }
}
