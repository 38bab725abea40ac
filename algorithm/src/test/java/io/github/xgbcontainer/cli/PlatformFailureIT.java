package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.xgbcontainer.ingest.MemoryLimit;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machine failing under {@code train}, for real, in a child JVM: a heap smaller than the data,
 * and a temporary folder with no room for xgboost4j's native library. Both are the platform's
 * fault (exit 2), and the failure file says which limit was hit.
 */
class PlatformFailureIT {

  private static final String CSV_TRAIN = "{\"train\": {\"ContentType\": \"text/csv\"}}";

  @TempDir Path dir;

  private TrainJob job() throws IOException {
    return new TrainJob(dir.resolve("opt_ml")).hyperparameters("{\"num_round\": \"2\"}").inputDataConfig(CSV_TRAIN);
  }

  private static String size(long bytes) {
    double mib = bytes / 1048576.0;
    return mib < 1024 ? String.format(Locale.ROOT, "%.1f MiB", mib) : String.format(Locale.ROOT, "%.1f GiB", mib / 1024);
  }

  /**
   * A CSV whose first MiB (the memory estimate's sample) holds long rows and the rest short ones: the
   * estimate finds a few hundred thousand rows that fit the 32 MiB JVM, but the file holds about
   * 1.6 million, whose parsed floats (76 MB) exceed its direct memory (as large as the heap, without
   * -XX:MaxDirectMemorySize). A real OutOfMemoryError, which is exit 2 with the sizes and the flag
   * that raises the limit that was hit, not 3.
   */
  @Test
  void dataLargerThanTheJvm_isAPlatformErrorWithTheSizesAndTheDirectLimitsFlag() throws Exception {
    TrainJob job = job();
    Path csv = job.root.resolve("input/data/train/big.csv");
    Files.createDirectories(csv.getParent());
    Random random = new Random(7);
    try (Writer out = Files.newBufferedWriter(csv)) {
      for (int row = 0; row < 1_600_000; row++) {
        out.write(Integer.toString(row % 2));
        for (int c = 0; c < 12; c++) {
          // a long decimal in every thousand rows keeps every block's values floats (one byte each
          // as packed short decimals, they would fit)
          out.write(row < 10_000 ? String.format(Locale.ROOT, ",%.12f", random.nextDouble())
              : c == 0 && row % 1000 == 0 ? ",0.142857142857" : random.nextBoolean() ? ",1" : ",0");
        }
        out.write('\n');
      }
    }
    long container = MemoryLimit.detect().container();
    // G1 reports -Xmx as the maximum heap exactly; the default collector depends on the machine
    job.jvmOptions.addAll(List.of("-XX:+UseG1GC", "-Xmx32m"));
    job.run();
    assertEquals(2, job.exitCode, job::toString);
    assertEquals("PlatformError: out of memory: the job needs about " + size(Files.size(csv)) + " (its files in "
        + job.root.resolve("input/data") + ", parsed into memory before XGBoost builds its matrices), the JVM's heap "
        + "may use 32.0 MiB (-XX:MaxRAMPercentage or -Xmx) and its direct buffers, which hold the parsed rows, 32.0 MiB "
        + "(-XX:MaxDirectMemorySize), the container may use " + size(container) + "; perhaps you should raise "
        + "-XX:MaxDirectMemorySize in JAVA_OPTS, or use an instance type with more memory, or set external_memory=true "
        + "to keep the data on disk\n",
        job.failure(), job::toString);
    assertEquals(List.of(), job.modelDirEntries());
  }

  /**
   * A temporary folder that is really full: a 1 MiB tmpfs, too small for xgboost4j's native library
   * (mounting needs root; elsewhere the test is skipped, saying so).
   */
  @Test
  void fullTemporaryFolder_isAPlatformErrorNamingIt() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", tmp.toString()) == 0,
        "mounting a 1 MiB tmpfs needs root (CAP_SYS_ADMIN); without it no real full disk can be made here");
    try {
      TrainJob job = job().channelText("train", "a.csv", "1,2,3\n0,1,4\n1,3,5\n");
      job.jvmOptions.add("-Djava.io.tmpdir=" + tmp);
      job.run();
      assertEquals(2, job.exitCode, job::toString);
      assertEquals("PlatformError: No space left on device in " + tmp + ", where xgboost4j unpacks its native "
          + "library at every start; perhaps you should free space there, give the container a larger /tmp, or "
          + "point -Djava.io.tmpdir in JAVA_OPTS at a folder with room\n", job.failure(), job::toString);
      assertEquals(List.of(), job.modelDirEntries());
    } finally {
      run("umount", tmp.toString());
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}
