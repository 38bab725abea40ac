package io.github.xgbcontainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.LogCapture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchCacheTest {

  /** Run in a child JVM: makes a cache under args[0], prints its folder, and waits to be killed. */
  public static void main(String[] args) throws Exception {
    BatchCache cache = BatchCache.create(Path.of(args[0]));
    Files.write(cache.dir().resolve("batches-0"), new byte[3 * 1048576]);
    System.out.println(cache.dir());
    System.out.flush();
    Thread.sleep(TimeUnit.MINUTES.toMillis(5));
  }

  @Test
  void aCacheLeftByAKilledJob_isRemovedByTheNextJob_andALiveOneIsNot(@TempDir Path parent) throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), BatchCacheTest.class.getName(), parent.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Path held;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      held = Path.of(out.readLine());
      try (LogCapture log = new LogCapture(BatchCache.class)) {
        // the child is alive: its cache stays
        try (BatchCache mine = BatchCache.create(parent)) {
          assertTrue(Files.isDirectory(held), "a live job's cache was removed");
          assertTrue(Files.isDirectory(mine.dir()));
        }
        assertEquals(List.of(), log.messages().stream().filter(w -> w.startsWith("removed")).toList());
        // killed as the kernel kills (SIGKILL): nothing of its own cleans up, the next job does
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertTrue(Files.isDirectory(held), "the killed job's cache should still be there before the next job");
        try (BatchCache next = BatchCache.create(parent)) {
          assertFalse(Files.exists(held), "the killed job's cache is still there");
          assertEquals(List.of("removed the external-memory cache " + held + " (3.0 MiB) that a job which ended"
              + " without cleaning up (killed, perhaps out of memory) left behind"),
              log.messages().stream().filter(w -> w.startsWith("removed")).toList());
        }
        try (var left = Files.list(parent)) {
          assertEquals(List.of(), left.toList());
        }
      }
    } finally {
      child.destroyForcibly();
    }
  }
}
