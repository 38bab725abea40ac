package io.github.xgbcontainer.cli;

import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.ingest.MemoryLimit;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Optional;

/**
 * Recognises, among failures that reach the top-level catch, those of the machine rather than of
 * XGBoost: out of memory, and a temporary folder too full for xgboost4j to unpack its native
 * library. Both surface far from their cause (an {@code OutOfMemoryError} in a parser thread, XGBoost's
 * {@code std::bad_alloc}, a {@code NoClassDefFoundError} for {@code XGBoostJNI} after a failed static
 * initialiser), so the whole cause chain is searched.
 */
final class PlatformDiagnosis {

  private static final String NO_SPACE = "No space left on device";
  private static final String NATIVE_CLASS = "ml.dmlc.xgboost4j.java.XGBoostJNI";

  private PlatformDiagnosis() {}

  /**
   * The platform error behind {@code failure}, when the machine is what failed.
   *
   * @param externalMemory whether the job trains from external memory, which it then does not suggest
   */
  static Optional<PlatformError> of(Throwable failure, SageMakerPaths paths, boolean externalMemory) {
    boolean outOfMemory = false;
    boolean noSpace = false;
    boolean nativeLibrary = false;
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
      String message = t.getMessage() == null ? "" : t.getMessage();
      // XGBoost's allocation failures: std::bad_alloc from operator new, and its own messages when
      // malloc or mmap of a cache page fails ("Memory allocation error", "Cannot allocate memory")
      outOfMemory |= t instanceof OutOfMemoryError || message.contains("bad_alloc")
          || message.contains("Memory allocation error") || message.contains("Cannot allocate memory");
      noSpace |= message.contains(NO_SPACE);
      nativeLibrary |= t instanceof LinkageError && message.contains(NATIVE_CLASS);
    }
    if (outOfMemory) {
      return Optional.of(outOfMemory(paths, failure, externalMemory));
    }
    if (nativeLibrary && noSpace) {
      return Optional.of(new PlatformError(NO_SPACE + " in " + System.getProperty("java.io.tmpdir")
          + ", where xgboost4j unpacks its native library at every start; perhaps you should free space there, "
          + "give the container a larger /tmp, or point -Djava.io.tmpdir in JAVA_OPTS at a folder with room",
          failure));
    }
    return Optional.empty();
  }

  /** What ran out, which decides the fix: the heap, the direct buffers of the parsed rows, or native memory. */
  enum Exhausted { HEAP, DIRECT, NATIVE }

  /**
   * Out of memory, with the numbers that decide it: what the data takes, what the JVM's heap and its
   * direct buffers (where the parsed rows live) may take, each with its JAVA_OPTS flag, and what the
   * container may use; the fix follows from what ran out. A full Java heap ("Java heap space", "GC
   * overhead limit exceeded") has its own message: the parsed rows live outside the heap (direct
   * buffers, or external memory's files), so only a larger heap helps and external memory is not
   * suggested for it. Nor is it where the job already trains from external memory.
   *
   * @param externalMemory whether the job trains from external memory
   */
  static PlatformError outOfMemory(SageMakerPaths paths, Throwable cause, boolean externalMemory) {
    MemoryLimit limit = MemoryLimit.detect();
    return outOfMemory(exhausted(cause), dataBytes(paths.dataDir()), paths.dataDir(), limit, externalMemory, cause);
  }

  static PlatformError outOfMemory(Exhausted exhausted, long data, Path dataDir, MemoryLimit limit,
      boolean externalMemory, Throwable cause) {
    if (exhausted == Exhausted.HEAP) {
      return new PlatformError("out of memory: the Java heap is too small: the JVM's heap may use "
          + size(limit.heap()) + " (-XX:MaxRAMPercentage or -Xmx), the container may use " + size(limit.container())
          + ", the job's files in " + dataDir + " are about " + size(data) + "; perhaps you should raise "
          + "-XX:MaxRAMPercentage (or -Xmx) in JAVA_OPTS, or use an instance type with more memory", cause);
    }
    String fix = exhausted == Exhausted.DIRECT ? "raise -XX:MaxDirectMemorySize in JAVA_OPTS, or " : "";
    return new PlatformError("out of memory: the job needs about " + size(data) + " (its files in " + dataDir
        + ", parsed into memory before XGBoost builds its matrices), the JVM's heap may use " + size(limit.heap())
        + " (-XX:MaxRAMPercentage or -Xmx) and its direct buffers, which hold the parsed rows, "
        + size(limit.direct()) + " (-XX:MaxDirectMemorySize), the container may use " + size(limit.container())
        + "; perhaps you should " + fix + "use an instance type with more memory"
        + (externalMemory ? "" : ", or set external_memory=true to keep the data on disk"), cause);
  }

  /**
   * The first memory failure along the cause chain: a Java one names its pool ("Java heap space",
   * "GC overhead limit exceeded", "direct buffer memory"), XGBoost's are native.
   */
  static Exhausted exhausted(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
      if (t instanceof OutOfMemoryError) {
        return t.getMessage() != null && t.getMessage().contains("direct buffer memory") ? Exhausted.DIRECT
            : Exhausted.HEAP;
      }
    }
    return Exhausted.NATIVE;
  }

  /** The bytes of the regular files under {@code dir}; 0 when it cannot be listed (Pipe mode has FIFOs there). */
  static long dataBytes(Path dir) {
    long[] total = {0};
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) {
            total[0] += attrs.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // the estimate stays what was counted
    }
    return total[0];
  }

  /** A byte count for people: {@code 512 KiB}, {@code 38.1 MiB}, {@code 15.6 GiB}. */
  static String size(long bytes) {
    if (bytes < 1L << 20) {
      return (bytes + 1023) / 1024 + " KiB";
    }
    if (bytes < 1L << 30) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
  }
}
