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
    PlatformError error = PlatformDiagnosis.of(failure, paths).orElseThrow();
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
    assertTrue(PlatformDiagnosis.of(wrapped, paths).orElseThrow().getMessage()
        .startsWith("out of memory: the job needs about 0 KiB"));
  }

  /** XGBoost's own words for a failed allocation (an external-memory page that cannot be mapped, a failed malloc). */
  @Test
  void xgboostAllocationFailures_withoutStdPrefix_areOutOfMemory() {
    SageMakerPaths paths = new SageMakerPaths(dir);
    for (String message : List.of("[01:02:03] bad_alloc", "Memory allocation error",
        "mmap failed: Cannot allocate memory")) {
      PlatformError error = PlatformDiagnosis.of(new AlgorithmError("channel 'train': " + message), paths)
          .orElseThrow(() -> new AssertionError(message));
      assertTrue(error.getMessage().endsWith("perhaps you should raise -XX:MaxRAMPercentage (or -Xmx) in JAVA_OPTS, "
          + "or use an instance type with more memory, or set external_memory=true to keep the data on disk"),
          error.getMessage());
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
