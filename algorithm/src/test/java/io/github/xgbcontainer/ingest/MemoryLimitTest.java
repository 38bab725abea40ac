package io.github.xgbcontainer.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM limits as {@link MemoryLimit#detect()} reads them, in child JVMs started with the flags the
 * image's launcher and a user's JAVA_OPTS give: the direct limit that took effect, wherever it came from.
 */
class MemoryLimitTest {

  /** Prints the detected heap and direct limits in bytes. */
  public static final class Print {
    public static void main(String[] args) {
      MemoryLimit limit = MemoryLimit.detect();
      System.out.println(limit.heap() + " " + limit.direct());
    }
  }

  private static String detect(Map<String, String> env, String... flags) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseG1GC", "-Xmx64m"));
    command.addAll(List.of(flags));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Print.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().putAll(env);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    process.waitFor(30, TimeUnit.SECONDS);
    assertEquals(0, process.exitValue(), out);
    return out;
  }

  @Test
  void directLimit_isTheLastFlag_orTheHeapWithout() throws Exception {
    long heap = 64L << 20;
    assertEquals(heap + " " + heap, detect(Map.of()));
    // the launcher's flag first, the user's JAVA_OPTS after it: the user's counts
    assertEquals(heap + " " + (2L << 30), detect(Map.of(), "-XX:MaxDirectMemorySize=672m", "-XX:MaxDirectMemorySize=2g"));
  }

  @Test
  void directLimit_fromJavaToolOptions() throws Exception {
    assertEquals((64L << 20) + " " + (300L << 20), detect(Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxDirectMemorySize=300m")));
  }
}
