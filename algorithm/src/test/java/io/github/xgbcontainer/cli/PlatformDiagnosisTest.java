package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.ContainerException;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.ingest.MemoryLimit;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
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
        + paths.dataDir() + ", parsed into memory before XGBoost builds its matrices), the JVM's heap may use "),
        error.getMessage());
  }

  @Test
  void parserThreadOutOfMemory_isFoundThroughTheCauseChain() {
    SageMakerPaths paths = new SageMakerPaths(dir);
    RuntimeException wrapped = new IllegalStateException(new ExecutionException(new OutOfMemoryError(
        "Cannot reserve 4194304 bytes of direct buffer memory")));
    String message = PlatformDiagnosis.of(wrapped, paths, false).orElseThrow().getMessage();
    assertTrue(message.startsWith("out of memory: the job needs about 0 KiB"), message);
    assertTrue(message.endsWith("perhaps you should raise -XX:MaxDirectMemorySize in JAVA_OPTS, or use an instance "
        + "type with more memory, or set external_memory=true to keep the data on disk"), message);
  }

  /**
   * The fix follows what ran out: the heap, the direct buffers of the parsed rows, or XGBoost's native
   * memory; external memory is suggested only for the last two, and only to a job not already on it.
   */
  @Test
  void outOfMemory_namesHeapDirectAndContainer_andTheFixForWhatRanOut() {
    assertEquals(PlatformDiagnosis.Exhausted.HEAP, PlatformDiagnosis.exhausted(
        new IllegalStateException(new OutOfMemoryError("Java heap space"))));
    assertEquals(PlatformDiagnosis.Exhausted.DIRECT, PlatformDiagnosis.exhausted(
        new OutOfMemoryError("Cannot reserve 4194304 bytes of direct buffer memory (allocated: 1, limit: 2)")));
    assertEquals(PlatformDiagnosis.Exhausted.NATIVE, PlatformDiagnosis.exhausted(new AlgorithmError("std::bad_alloc")));
    MemoryLimit limit = new MemoryLimit(OptionalLong.of(4L << 30), "/sys/fs/cgroup/memory.max", 16L << 30, 1L << 30,
        3L << 30);
    String start = "out of memory: the job needs about 2.5 GiB (its files in /opt/ml/input/data, parsed into memory "
        + "before XGBoost builds its matrices), the JVM's heap may use 1.0 GiB (-XX:MaxRAMPercentage or -Xmx) and its "
        + "direct buffers, which hold the parsed rows, 3.0 GiB (-XX:MaxDirectMemorySize), the container may use "
        + "4.0 GiB; perhaps you should ";
    String end = "use an instance type with more memory";
    String external = ", or set external_memory=true to keep the data on disk";
    Path data = Path.of("/opt/ml/input/data");
    long bytes = 5L << 29;
    String heap = "out of memory: the Java heap is too small: the JVM's heap may use 1.0 GiB (-XX:MaxRAMPercentage or "
        + "-Xmx), the container may use 4.0 GiB, the job's files in /opt/ml/input/data are about 2.5 GiB; perhaps you "
        + "should raise -XX:MaxRAMPercentage (or -Xmx) in JAVA_OPTS, or use an instance type with more memory";
    for (boolean onExternalMemory : new boolean[] {false, true}) {
      String suffix = onExternalMemory ? "" : external;
      assertEquals(heap, PlatformDiagnosis.outOfMemory(PlatformDiagnosis.Exhausted.HEAP, bytes, data, limit,
          onExternalMemory, null).getMessage());
      assertEquals(start + "raise -XX:MaxDirectMemorySize in JAVA_OPTS, or " + end + suffix, PlatformDiagnosis
          .outOfMemory(PlatformDiagnosis.Exhausted.DIRECT, bytes, data, limit, onExternalMemory, null).getMessage());
      assertEquals(start + end + suffix, PlatformDiagnosis
          .outOfMemory(PlatformDiagnosis.Exhausted.NATIVE, bytes, data, limit, onExternalMemory, null).getMessage());
    }
  }

  /** XGBoost's own words for a failed allocation (an external-memory page that cannot be mapped, a failed malloc). */
  @Test
  void xgboostAllocationFailures_withoutStdPrefix_areOutOfMemory() {
    SageMakerPaths paths = new SageMakerPaths(dir);
    for (String message : List.of("[01:02:03] bad_alloc", "Memory allocation error",
        "mmap failed: Cannot allocate memory")) {
      PlatformError error = PlatformDiagnosis.of(new AlgorithmError("channel 'train': " + message), paths, false)
          .orElseThrow(() -> new AssertionError(message));
      // native memory: a larger heap would only take more of it
      assertTrue(error.getMessage().endsWith("perhaps you should use an instance type with more memory, or set "
          + "external_memory=true to keep the data on disk"), error.getMessage());
    }
  }

  /** Direct or native memory with external memory already on: the rest of the advice stands, not that. */
  @Test
  void nativeOutOfMemory_fromExternalMemory_doesNotSuggestExternalMemory() {
    SageMakerPaths paths = new SageMakerPaths(dir);
    PlatformError error = PlatformDiagnosis.of(new AlgorithmError("channel 'train': std::bad_alloc"), paths, true)
        .orElseThrow();
    assertTrue(error.getMessage().endsWith("perhaps you should use an instance type with more memory"),
        error.getMessage());
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
    MemoryLimit limit = MemoryLimit.detect();
    String expected = "out of memory: the Java heap is too small: the JVM's heap may use "
        + PlatformDiagnosis.size(limit.heap()) + " (-XX:MaxRAMPercentage or -Xmx), the container may use "
        + PlatformDiagnosis.size(limit.container()) + ", the job's files in " + paths.dataDir() + " are about 3.0 MiB; "
        + "perhaps you should raise -XX:MaxRAMPercentage (or -Xmx) in JAVA_OPTS, or use an instance type with more "
        + "memory";
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
