package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.ContainerException;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformDiagnosisTest {

  @TempDir Path dir;

  @Test
  void xgboostBadAlloc_insideAnAlgorithmError_isOutOfMemory() throws Exception {
    SageMakerPaths paths = new SageMakerPaths(dir);
    Files.createDirectories(paths.dataDir().resolve("train"));
    Files.write(paths.dataDir().resolve("train/a.csv"), new byte[3 << 20]);
    AlgorithmError failure = new AlgorithmError("cannot build the training matrix",
        new RuntimeException("[10:01:02] std::bad_alloc"));
    PlatformError error = PlatformDiagnosis.of(failure, paths, false).orElseThrow();
    assertEquals(ContainerException.Kind.PLATFORM, error.kind());
    assertTrue(error.getMessage().startsWith("out of memory: the job needs about 3.0 MiB (its files in "
        + paths.dataDir() + ", parsed into memory before XGBoost builds its matrices), the JVM may use "),
        error.getMessage());
  }

  @Test
  void parserThreadOutOfMemory_isFoundThroughTheCauseChain() {
    SageMakerPaths paths = new SageMakerPaths(dir);
    RuntimeException wrapped = new IllegalStateException(new ExecutionException(new OutOfMemoryError(
        "Cannot reserve 4194304 bytes of direct buffer memory")));
    assertTrue(PlatformDiagnosis.of(wrapped, paths, false).orElseThrow().getMessage()
        .startsWith("out of memory: the job needs about 0 KiB"));
  }

  /** XGBoost's own words for a failed allocation (an external-memory page that cannot be mapped, a failed malloc). */
  @Test
  void xgboostAllocationFailures_withoutStdPrefix_areOutOfMemory() {
    SageMakerPaths paths = new SageMakerPaths(dir);
    for (String message : List.of("[01:02:03] bad_alloc", "Memory allocation error",
        "mmap failed: Cannot allocate memory")) {
      PlatformError error = PlatformDiagnosis.of(new AlgorithmError("channel 'train': " + message), paths, false)
          .orElseThrow(() -> new AssertionError(message));
      assertTrue(error.getMessage().endsWith("perhaps you should raise -XX:MaxRAMPercentage (or -Xmx) in JAVA_OPTS, "
          + "or use an instance type with more memory, or set external_memory=true to keep the data on disk"),
          error.getMessage());
    }
  }

  /** Direct or native memory with external memory already on: the rest of the advice stands, not that. */
  @Test
  void nativeOutOfMemory_fromExternalMemory_doesNotSuggestExternalMemory() {
    SageMakerPaths paths = new SageMakerPaths(dir);
    PlatformError error = PlatformDiagnosis.of(new AlgorithmError("channel 'train': std::bad_alloc"), paths, true)
        .orElseThrow();
    assertTrue(error.getMessage().endsWith("perhaps you should raise -XX:MaxRAMPercentage (or -Xmx) in JAVA_OPTS, "
        + "or use an instance type with more memory"), error.getMessage());
  }

  /**
   * A full Java heap, also found through the cause chain: the heap and its flag are named, and external
   * memory, which keeps rows off the heap already, is suggested neither with nor without it.
   */
  @Test
  void javaHeapSpace_namesTheHeapAndItsFlag_withoutExternalMemory() throws Exception {
    SageMakerPaths paths = new SageMakerPaths(dir);
    Files.createDirectories(paths.dataDir().resolve("train"));
    Files.write(paths.dataDir().resolve("train/a.csv"), new byte[3 << 20]);
    long instance = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getTotalMemorySize();
    String expected = "out of memory: the Java heap is too small: the JVM may use "
        + PlatformDiagnosis.size(Runtime.getRuntime().maxMemory()) + " of heap (-Xmx in JAVA_OPTS, or "
        + "-XX:MaxRAMPercentage of the instance's " + PlatformDiagnosis.size(instance) + "), the job's files in "
        + paths.dataDir() + " are about 3.0 MiB; perhaps you should raise -Xmx (or -XX:MaxRAMPercentage) in "
        + "JAVA_OPTS, or use an instance type with more memory";
    for (boolean externalMemory : new boolean[] {true, false}) {
      assertEquals(expected, PlatformDiagnosis.outOfMemory(paths, new OutOfMemoryError("Java heap space"),
          externalMemory).getMessage());
      assertEquals(expected, PlatformDiagnosis.of(new IllegalStateException(new ExecutionException(
          new OutOfMemoryError("GC overhead limit exceeded"))), paths, externalMemory).orElseThrow().getMessage());
    }
    assertTrue(PlatformDiagnosis.outOfMemory(paths, new OutOfMemoryError(
        "Cannot reserve 4194304 bytes of direct buffer memory"), true).getMessage()
        .startsWith("out of memory: the job needs about 3.0 MiB"), "direct memory is not the heap");
  }

  @Test
  void otherFailures_areLeftAlone() {
    assertTrue(PlatformDiagnosis.of(new AlgorithmError("XGBoost: invalid tree"), new SageMakerPaths(dir), false).isEmpty());
  }

  @Test
  void sizes_readAsPeopleWriteThem() {
    assertEquals("512 KiB", PlatformDiagnosis.size(512 * 1024));
    assertEquals("38.1 MiB", PlatformDiagnosis.size((long) (38.1 * (1 << 20))));
    assertEquals("15.6 GiB", PlatformDiagnosis.size((long) (15.6 * (1L << 30))));
  }
}
