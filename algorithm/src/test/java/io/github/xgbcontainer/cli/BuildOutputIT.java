package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What {@code make demo} and {@code make demo-s3} show of the build: Debian's Maven 3.8 prints ANSI
 * resets ({@code ESC[0m}) even in batch mode, which {@code .mvn/jvm.config} turns off for every
 * Maven run in the repository.
 */
class BuildOutputIT {

  @Test
  void quietBatchMaven_printsNoEscapeCodes() throws Exception {
    Path root = Path.of(System.getProperty("sample.data", "../sample-data")).toAbsolutePath().getParent();
    assumeTrue(Files.exists(root.resolve(".mvn/jvm.config")), "run from the repository");
    Process mvn;
    try {
      mvn = new ProcessBuilder("mvn", "-B", "-q", "-o", "-N", "validate").directory(root.toFile())
          .redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "mvn is not on the PATH: " + e.getMessage());
      return;
    }
    byte[] output = mvn.getInputStream().readAllBytes();
    assertTrue(mvn.waitFor(2, TimeUnit.MINUTES));
    String text = new String(output, java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, mvn.exitValue(), text);
    assertFalse(text.contains("\u001b"), () -> "escape codes in: " + text.replace("\u001b", "ESC"));
  }
}
