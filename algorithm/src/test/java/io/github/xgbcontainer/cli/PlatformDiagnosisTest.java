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
    PlatformError error = PlatformDiagnosis.of(failure, paths).orElseThrow();
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
    String message = PlatformDiagnosis.of(wrapped, paths).orElseThrow().getMessage();
    assertTrue(message.startsWith("out of memory: the job needs about 0 KiB"), message);
    assertTrue(message.endsWith("perhaps you should raise -XX:MaxDirectMemorySize in JAVA_OPTS, or use an instance "
        + "type with more memory, or set external_memory=true to keep the data on disk"), message);
  }

  /** The fix follows what ran out: the heap, the direct buffers of the parsed rows, or XGBoost's native memory. */
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
    String end = "use an instance type with more memory, or set external_memory=true to keep the data on disk";
    Path data = Path.of("/opt/ml/input/data");
    long bytes = 5L << 29;
    assertEquals(start + "raise -XX:MaxRAMPercentage (or -Xmx) in JAVA_OPTS, or " + end, PlatformDiagnosis
        .outOfMemory(PlatformDiagnosis.Exhausted.HEAP, bytes, data, limit, null).getMessage());
    assertEquals(start + "raise -XX:MaxDirectMemorySize in JAVA_OPTS, or " + end, PlatformDiagnosis
        .outOfMemory(PlatformDiagnosis.Exhausted.DIRECT, bytes, data, limit, null).getMessage());
    assertEquals(start + end, PlatformDiagnosis
        .outOfMemory(PlatformDiagnosis.Exhausted.NATIVE, bytes, data, limit, null).getMessage());
  }

  /** XGBoost's own words for a failed allocation (an external-memory page that cannot be mapped, a failed malloc). */
  @Test
  void xgboostAllocationFailures_withoutStdPrefix_areOutOfMemory() {
    SageMakerPaths paths = new SageMakerPaths(dir);
    for (String message : List.of("[01:02:03] bad_alloc", "Memory allocation error",
        "mmap failed: Cannot allocate memory")) {
      PlatformError error = PlatformDiagnosis.of(new AlgorithmError("channel 'train': " + message), paths)
          .orElseThrow(() -> new AssertionError(message));
      // native memory: a larger heap would only take more of it
      assertTrue(error.getMessage().endsWith("perhaps you should use an instance type with more memory, or set "
          + "external_memory=true to keep the data on disk"), error.getMessage());
    }
  }

  @Test
  void otherFailures_areLeftAlone() {
    assertTrue(PlatformDiagnosis.of(new AlgorithmError("XGBoost: invalid tree"), new SageMakerPaths(dir)).isEmpty());
  }

  @Test
  void sizes_readAsPeopleWriteThem() {
    assertEquals("512 KiB", PlatformDiagnosis.size(512 * 1024));
    assertEquals("38.1 MiB", PlatformDiagnosis.size((long) (38.1 * (1 << 20))));
    assertEquals("15.6 GiB", PlatformDiagnosis.size((long) (15.6 * (1L << 30))));
  }
}
