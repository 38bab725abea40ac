package io.github.xgbcontainer.data;

import io.github.xgbcontainer.error.PlatformError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The folder where external-memory training keeps its data on disk: the parsed batches of the
 * channels, spilled as they are parsed, and (under {@link #xgboostPrefix}) the histogram pages
 * XGBoost writes. Removed, with its size logged, on {@link #close()}.
 *
 * <p>Why batches are spilled rather than kept: a channel larger than memory cannot be held even
 * off-heap while XGBoost builds its matrix from it. {@link #keep} writes a batch's buffers to a
 * segment file with {@code write} (no copy stays in the process) and hands back a batch whose
 * buffers are views of a read-only mapping of that file. Everything that reads batches (label
 * checks, query groups, the matrix builders) works unchanged; the pages it touches are clean page
 * cache, which the kernel reclaims under a memory limit instead of killing the process, and the
 * native shim drops each batch from the resident set once XGBoost has consumed it. A Pipe-mode
 * channel is so read once and fed from disk at every pass XGBoost makes.
 *
 * <p>Segments are mapped whole (1 GiB, sparse until written), so a channel of any size takes a
 * handful of mappings, far below the kernel's {@code vm.max_map_count}.
 */
public final class BatchCache implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(BatchCache.class.getName());
  private static final long SEGMENT_BYTES = 1L << 30;
  /** Each buffer starts on a page, so the shim can drop exactly its pages. */
  private static final int ALIGN = 4096;
  private static final String SEGMENT_PREFIX = "batches-";
  private static final String FOLDER_PREFIX = "xgbc-external-memory-";
  private static final String LOCK_FILE = "in-use.lock";
  private static final long SYNC_BYTES = 32L << 20;
  /** XGBoost's pages: 64 MiB of values unless the memory budget asks for less. */
  public static final long DEFAULT_PAGE_BYTES = 64L << 20;

  private final Path dir;
  private final List<MappedByteBuffer> mappings = new ArrayList<>();
  /** One stream of segments per buffer kind, so consecutive batches lie back to back in each. */
  private final java.util.Map<String, Stream> streams = new java.util.HashMap<>();
  /** Where each batch {@link #keep} returned lies: part name to span. */
  private final java.util.Map<Batch, java.util.Map<String, Span>> placed = new java.util.IdentityHashMap<>();
  private int segments;
  private long spilledBytes;
  private long unsynced;
  private long largest;
  private long spilledBatches;
  private boolean closed;

  /** A run of bytes in one segment. */
  private record Span(MappedByteBuffer mapping, long offset, long length) {}

  /** The segments of one buffer kind; only the last is written to. */
  private final class Stream {
    final String part;
    FileChannel segment;
    MappedByteBuffer mapping;
    long capacity;
    long position;

    Stream(String part) {
      this.part = part;
    }

    Span append(ByteBuffer source) throws IOException {
      long length = source.remaining();
      if (segment == null || position + length > capacity) {
        start(Math.max(SEGMENT_BYTES, length));
      }
      long at = position;
      while (source.hasRemaining()) {
        segment.write(source, at + source.position());
      }
      position += length;
      unsynced += length;
      if (unsynced >= SYNC_BYTES) {
        // Under a cgroup v1 memory limit, dirty page cache is charged to the job and written back only
        // under pressure; flushing as we go keeps the spill's pages clean, so the kernel can drop them.
        segment.force(false);
        unsynced = 0;
      }
      return new Span(mapping, at, length);
    }

    private void start(long size) throws IOException {
      if (segment != null) {
        segment.close();
      }
      Path file = dir.resolve(SEGMENT_PREFIX + part + "-" + segments++ + ".bin");
      segment = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      // A mapping cannot grow: the file is made its full size at once (sparse, no disk used yet).
      capacity = Math.min(size, Integer.MAX_VALUE & ~(ALIGN - 1L));
      segment.write(ByteBuffer.allocate(1), capacity - 1);
      mapping = segment.map(FileChannel.MapMode.READ_ONLY, 0, capacity);
      mappings.add(mapping);
      position = 0;
    }

    void close() throws IOException {
      if (segment != null) {
        segment.close();
      }
    }
  }

  private final long pageBytes;
  /** Held while the cache lives; the kernel lets go of it when the process dies, however it dies. */
  private final FileChannel lock;

  private BatchCache(Path dir, long pageBytes, FileChannel lock) {
    this.dir = dir;
    this.pageBytes = pageBytes;
    this.lock = lock;
  }

  /**
   * A new, empty cache in a folder of its own under {@code parent}.
   *
   * @throws PlatformError when the folder cannot be made
   */
  public static BatchCache create(Path parent) {
    return create(parent, DEFAULT_PAGE_BYTES);
  }

  /**
   * A new, empty cache in a folder of its own under {@code parent}, joining batches into pages of up
   * to {@code pageBytes} of values for XGBoost (see {@link #pages}).
   *
   * @throws PlatformError when the folder cannot be made
   */
  public static BatchCache create(Path parent, long pageBytes) {
    if (pageBytes <= 0) {
      throw new IllegalArgumentException("page size must be positive, got " + pageBytes);
    }
    try {
      Files.createDirectories(parent);
      removeStale(parent);
      Path dir = Files.createTempDirectory(parent, FOLDER_PREFIX);
      FileChannel lock = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      lock.lock();
      return new BatchCache(dir, pageBytes, lock);
    } catch (IOException e) {
      throw new PlatformError("cannot create the external-memory cache folder under " + parent + ": " + e
          + ", perhaps you should point SM_EXTERNAL_MEMORY_DIR at a writable folder on the instance's volume", e);
    }
  }

  /** The cache folder. */
  public Path dir() {
    return dir;
  }

  /**
   * The {@code cache_prefix} for XGBoost's pages of one matrix: a file name prefix in this folder.
   *
   * @param matrix a name unique among the matrices of the job, e.g. the channel name
   */
  public Path xgboostPrefix(String matrix) {
    return dir.resolve("xgboost-" + matrix.replaceAll("[^A-Za-z0-9_.+-]", "_"));
  }

  /** The batches written so far. */
  public synchronized long spilledBatches() {
    return spilledBatches;
  }

  /**
   * Writes the batch to disk and returns the same rows backed by the file; {@code batch}'s memory is
   * freed. The returned batch is valid until this cache is closed.
   *
   * @throws PlatformError when the disk is full or the write fails, naming the folder
   */
  public synchronized Batch keep(Batch batch) {
    if (closed) {
      throw new IllegalStateException("cache " + dir + " is closed");
    }
    spilledBatches++;
    java.util.Map<String, Span> spans = new java.util.HashMap<>();
    Batch kept = batch.moved((part, buffer) -> spill(part, buffer, spans));
    placed.put(kept, spans);
    return kept;
  }

  private OffHeapBuffer spill(String part, OffHeapBuffer buffer, java.util.Map<String, Span> spans) {
    ByteBuffer source = buffer.bytes().duplicate();
    source.clear();
    try {
      Span span = streams.computeIfAbsent(part, Stream::new).append(source);
      spilledBytes += span.length();
      spans.put(part, span);
      buffer.close();
      return OffHeapBuffer.borrowed(span.mapping().slice((int) span.offset(), (int) span.length()));
    } catch (IOException e) {
      throw new PlatformError("cannot write the external-memory cache in " + dir + ": " + e
          + ", perhaps you should give the instance a larger volume (VolumeSizeInGB) or point "
          + "SM_EXTERNAL_MEMORY_DIR at a folder with room for about the size of the data", e);
    }
  }

  /**
   * The batches as XGBoost's pages: runs of consecutive dense batches of this cache, back to back in
   * every stream, joined into one batch of up to {@code pageBytes} of values without a copy (views
   * of the same mappings). XGBoost's external memory processes a page at a time with a fixed cost
   * each, so a few large pages train several times faster than many 4 MiB ones; a page is also what
   * XGBoost holds in memory at once, hence the bound. CSR batches and batches not from this cache are
   * passed on as they are (CSR row pointers start at 0 in every batch and cannot be joined as views).
   * The page size was given to {@link #create(Path, long)}.
   */
  public synchronized List<Batch> pages(List<Batch> batches) {
    List<Batch> pages = new ArrayList<>();
    List<Batch> run = new ArrayList<>();
    long runBytes = 0;
    for (Batch b : batches) {
      java.util.Map<String, Span> spans = placed.get(b);
      boolean joinable = spans != null && b.isDense() && !run.isEmpty() && follows(run.get(run.size() - 1), b)
          && runBytes + spans.get("values").length() <= pageBytes;
      if (!joinable && !run.isEmpty()) {
        pages.add(joined(run));
        run.clear();
        runBytes = 0;
      }
      if (spans == null || !b.isDense()) {
        pages.add(b);
        continue;
      }
      run.add(b);
      runBytes += spans.get("values").length();
    }
    if (!run.isEmpty()) {
      pages.add(joined(run));
    }
    return pages;
  }

  /** Whether {@code next} lies right after {@code last} in every stream, with the same layout. */
  private boolean follows(Batch last, Batch next) {
    if (last.columns() != next.columns() || last.hasWeights() != next.hasWeights()) {
      return false;
    }
    java.util.Map<String, Span> a = placed.get(last);
    java.util.Map<String, Span> b = placed.get(next);
    for (String part : a.keySet()) {
      Span x = a.get(part);
      Span y = b.get(part);
      if (y == null || x.mapping() != y.mapping() || x.offset() + x.length() != y.offset()) {
        return false;
      }
    }
    return a.keySet().equals(b.keySet());
  }

  private Batch joined(List<Batch> run) {
    if (run.size() == 1) {
      return run.get(0);
    }
    int rows = 0;
    long nonMissing = 0;
    for (Batch b : run) {
      rows += b.rows();
      nonMissing += b.nonMissing();
    }
    java.util.Map<String, Span> first = placed.get(run.get(0));
    java.util.Map<String, Span> last = placed.get(run.get(run.size() - 1));
    java.util.function.Function<String, OffHeapBuffer> view = part -> {
      Span f = first.get(part);
      Span l = last.get(part);
      return f == null ? null : OffHeapBuffer.borrowed(
          f.mapping().slice((int) f.offset(), (int) (l.offset() + l.length() - f.offset())));
    };
    return Batch.dense(rows, run.get(0).columns(), nonMissing, view.apply("labels"), view.apply("weights"),
        view.apply("values"));
  }

  /**
   * The bytes the folder holds on disk now: the spilled batches (their segments are sparse files of
   * a fixed length, so what was written is counted) and XGBoost's pages.
   */
  public synchronized long diskBytes() {
    long[] total = {spilledBytes};
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (!file.getFileName().toString().startsWith(SEGMENT_PREFIX)) {
            total[0] += attrs.size();
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // what was counted
    }
    largest = Math.max(largest, total[0]);
    return total[0];
  }

  /**
   * Unmaps the segments and removes the folder, logging its size. Every batch {@link #keep}
   * returned must be closed before: their buffers point into the mappings.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long bytes = Math.max(diskBytes(), largest);
    for (Stream stream : streams.values()) {
      try {
        stream.close();
      } catch (IOException e) {
        LOG.warning("closing " + dir + ": " + e.getMessage());
      }
    }
    placed.clear();
    mappings.forEach(OffHeapBuffer::unmap);
    mappings.clear();
    try {
      lock.close();
    } catch (IOException e) {
      LOG.warning("closing " + dir.resolve(LOCK_FILE) + ": " + e.getMessage());
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warning("the external-memory cache " + dir + " was not fully removed: " + e.getMessage());
    }
    LOG.info(String.format(java.util.Locale.ROOT, "external-memory cache %s removed: it held up to %.1f MiB on disk"
        + " (%d parsed batches, %.1f MiB, and XGBoost's pages)", dir, bytes / 1048576.0, spilledBatches,
        spilledBytes / 1048576.0));
  }

  /**
   * Removes the caches under {@code parent} that no live process holds: those of a job the kernel
   * killed (out of memory, SIGKILL), whose {@link #close} never ran. A cache is live while its lock
   * file is locked; one still being made has no lock file yet and is left alone.
   */
  static void removeStale(Path parent) {
    List<Path> candidates;
    try (var list = Files.list(parent)) {
      candidates = list.filter(p -> p.getFileName().toString().startsWith(FOLDER_PREFIX)
          && Files.isRegularFile(p.resolve(LOCK_FILE))).toList();
    } catch (IOException e) {
      return;
    }
    for (Path stale : candidates) {
      try (FileChannel channel = FileChannel.open(stale.resolve(LOCK_FILE), StandardOpenOption.WRITE)) {
        if (channel.tryLock() == null) {
          continue;
        }
        long bytes = 0;
        try (var walk = Files.walk(stale)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            bytes += Files.isRegularFile(p) ? Files.size(p) : 0;
            Files.deleteIfExists(p);
          }
        }
        LOG.warning(String.format(java.util.Locale.ROOT, "removed the external-memory cache %s (%.1f MiB) that a"
            + " job which ended without cleaning up (killed, perhaps out of memory) left behind", stale,
            bytes / 1048576.0));
      } catch (java.nio.channels.OverlappingFileLockException e) {
        // this JVM holds it: a cache in use
      } catch (IOException e) {
        LOG.warning("cannot remove the stale external-memory cache " + stale + ": " + e.getMessage());
      }
    }
  }
}
