package io.github.xgbcontainer.ingest;

import io.github.xgbcontainer.config.ChannelConfig;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.config.InputDataConfig;
import io.github.xgbcontainer.data.BatchCache;
import io.github.xgbcontainer.data.parquet.ParquetReader;
import io.github.xgbcontainer.hyperparameters.ExternalMemory;
import io.github.xgbcontainer.hyperparameters.Hyperparameters;
import io.github.xgbcontainer.matrix.NativeShim;
import java.util.Map;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Decides, before any channel is read, whether the job trains in memory or from external memory,
 * and fails at once with a {@link PlatformError} where neither can fit, so that a job too large
 * for its container never dies silently at the kernel's hand (no failure file, no message).
 *
 * <p>The estimate starts from the channel files: for CSV and LibSVM the first MiB of the first file
 * is sampled (bytes per row, columns or values per row) and scaled to the channel's bytes; Parquet
 * files state their rows and columns in their footers; for RecordIO-protobuf (and Parquet whose
 * footers cannot be read) the bytes on disk are multiplied by a fixed factor. From rows and
 * cells it counts what this container holds at the peak of the in-memory path, measured on this
 * build (see the constants): every parsed row (4-byte floats, off-heap) while XGBoost builds its
 * quantised matrix (1 byte per cell with max_bin up to 256) beside them, then XGBoost's per-row
 * training buffers. External memory keeps only the per-row buffers and a few batches and pages.
 */
public final class MemoryBudget {

  /**
   * What the JVM and the native libraries take besides the heap and the data: code, metaspace,
   * threads, xgboost4j's library, GC structures. Measured here (Java 17, xgboost4j 3.4.0): with
   * -Xmx32m a job's anonymous memory was 80-100 MiB before any data; rounded up.
   * {@code -Dxgbc.jvmOverheadMiB} overrides it. The image's launcher (container/root/usr/local/bin/train)
   * subtracts the same 96 MiB when it sizes the direct buffers.
   */
  static final long JVM_OVERHEAD = Long.getLong("xgbc.jvmOverheadMiB", 96) << 20;
  /**
   * The heap below which a smaller heap is not offered as a fix: measured on 1M x 28 CSV with a
   * validation channel and the report, at most 30 MiB was live after a collection, and 64 MiB trained
   * without a full collection.
   */
  static final long SMALLEST_HEAP = 64L << 20;
  /** Parsed CSV: one 4-byte float per cell, label and weight included (a dense off-heap batch). */
  static final int PARSED_BYTES_PER_CELL = 4;
  /**
   * What XGBoost's in-memory QuantileDMatrix and its training state took per dense cell, measured:
   * 200,000 x 51 and 270,000 x 201 CSV, 10 rounds depth 6, anonymous memory after the parsed rows
   * were released less before reading: 4.6-4.9 bytes a cell (the uint8 bin index is only 1 of them;
   * XGBoost also keeps its sketch, row pointers and histogram buffers). With the 4 parsed bytes alive
   * while it builds, the in-memory path peaks at about 9 bytes a cell.
   */
  static final int QUANTISED_BYTES_PER_CELL = 5;
  /**
   * What XGBoost 3.4.0's CPU external memory holds in anonymous memory per cell on small data: at
   * 60,000 x 201 (12 million cells, 12 MiB pages) the job's anonymous peak was 59 MiB above the heap
   * and {@link #JVM_OVERHEAD}, about 5 bytes a cell with the working set below counted in. It does not
   * grow with the rows for long: see {@link #EXTERNAL_BYTES_PER_FEATURE}.
   */
  static final int EXTERNAL_BYTES_PER_CELL = 3;
  /**
   * Where XGBoost's external memory stops growing, per CSV feature (max_bin 256). Its anonymous peak
   * is reached while it sketches the quantiles (first pass over the pages) and is bounded per feature,
   * not per cell; the per-row training state comes later, into memory the sketch has freed. Measured
   * (2026-12-01, -Xmx32m, 12 MiB pages) as the job's anonymous peak (RssAnon): 200 features: 187, 229,
   * 262, 290, 298 MiB at 60,000, 120,000, 240,000, 480,000 and 960,000 rows (12 to 193 million cells);
   * 100 features at 960,000 rows: 175 MiB; the heap and the JVM's own about 128 MiB of it. So above
   * about 0.85 MiB a feature the rows no longer count; 1 MiB is the bound used. XGBoost's pages and
   * the parsed rows are read through file mappings, which the kernel reclaims under a cgroup limit.
   */
  static final long EXTERNAL_BYTES_PER_FEATURE = 1L << 20;
  /** LibSVM: an int32 index and a float32 value per stored value, as parsed and as XGBoost's index. */
  static final int SPARSE_BYTES_PER_VALUE = 8 + 4;
  /**
   * XGBoost's per-row state in training, kept in memory on both paths: gradient pairs (8 bytes),
   * prediction cache (4 per output), row partitions, labels and weights again; counted from those
   * buffers' sizes, not measured apart from the cells.
   */
  static final int TRAINING_BYTES_PER_ROW = 48;
  /** External memory's working set besides the per-row state: a few parsed batches in flight, one XGBoost page. */
  static final long EXTERNAL_WORKING_SET = Long.getLong("xgbc.externalWorkingSetMiB", 32) << 20;
  /** Parquet pages decompress to about 4 times their bytes on disk as 4-byte floats (a documented guess, for files whose footers cannot be read). */
  static final double PARQUET_FACTOR = 4.0;
  /** RecordIO-protobuf stores float32 values plus tags: about its bytes on disk once parsed. */
  static final double RECORDIO_FACTOR = 1.2;
  /** Compressed text: assume 4 times its bytes once decompressed. */
  static final double COMPRESSED_TEXT_FACTOR = 4.0;
  private static final int SAMPLE_BYTES = 1 << 20;

  /** One channel's estimate. {@code bytes} is -1 where the size cannot be known (Pipe mode, FIFOs). */
  record ChannelEstimate(String channel, ContentType type, long bytes, long rows, long parsed, long quantised,
      String how) {

    /** Cells XGBoost indexes: one per {@link #QUANTISED_BYTES_PER_CELL} of the quantised estimate. */
    long cells() {
      return quantised / QUANTISED_BYTES_PER_CELL;
    }

    long inMemory() {
      return parsed + quantised + rows * TRAINING_BYTES_PER_ROW;
    }

    /**
     * XGBoost's sketch (per cell, up to its bound per feature, measured for dense CSV only: LibSVM's
     * values per row are not its features), or the per-row training state that follows it, whichever
     * is larger.
     */
    long external() {
      long sketch = cells() * EXTERNAL_BYTES_PER_CELL;
      if (type == ContentType.CSV && rows > 0) {
        sketch = Math.min(sketch, Math.max(1, cells() / rows) * EXTERNAL_BYTES_PER_FEATURE);
      }
      return Math.max(sketch, rows * TRAINING_BYTES_PER_ROW);
    }

    boolean known() {
      return bytes >= 0;
    }
  }

  /**
   * The decision: external memory or not, with what led to it.
   *
   * @param external whether to train from external memory
   * @param inMemory the estimated need of the in-memory path, bytes (-1 when unknown)
   * @param externalNeed the estimated need of external memory, bytes (-1 when unknown)
   * @param available what the container may use for data: its memory less the JVM
   */
  record Decision(boolean external, long inMemory, long externalNeed, long available) {}

  private final MemoryLimit limit;
  private final Consumer<String> log;

  MemoryBudget(MemoryLimit limit, Consumer<String> log) {
    this.limit = limit;
    this.log = log;
  }

  /**
   * Estimates the channels, logs both numbers and the decision, and decides.
   *
   * @param channels the channels that are read (train, and validation where present)
   * @param folders each channel's folder (File and FastFile mode)
   * @param setting the {@code external_memory} hyperparameter
   * @param externalPossible false where the job cannot use external memory (cross-validation, a
   *     booster or tree method that needs raw values); {@code setting} TRUE is then refused earlier
   * @throws PlatformError when the data cannot fit: names the estimate, the limit and the fix
   */
  Decision decide(List<ChannelConfig> channels, List<Path> folders, ExternalMemory setting, boolean externalPossible) {
    List<ChannelEstimate> estimates = new ArrayList<>();
    for (int i = 0; i < channels.size(); i++) {
      estimates.add(estimate(channels.get(i), folders.get(i)));
    }
    return decide(estimates, setting, externalPossible);
  }

  /** {@link #decide(List, List, ExternalMemory, boolean)} for channels already estimated. */
  Decision decide(List<ChannelEstimate> estimates, ExternalMemory setting, boolean externalPossible) {
    boolean known = estimates.stream().allMatch(ChannelEstimate::known);
    long inMemory = known ? estimates.stream().mapToLong(ChannelEstimate::inMemory).sum() : -1;
    long parsed = known ? estimates.stream().mapToLong(ChannelEstimate::parsed).sum() : -1;
    long externalNeed = known ? estimates.stream().mapToLong(ChannelEstimate::external).sum() + EXTERNAL_WORKING_SET : -1;
    long jvm = limit.heap() + JVM_OVERHEAD;
    long available = limit.container() - jvm;
    for (ChannelEstimate e : estimates) {
      log.accept("memory: channel '" + e.channel() + "': " + (e.known() ? size(e.bytes()) + " of " + e.type().mimeType()
          + ", " + e.how() + ": in memory about " + size(e.inMemory()) + " (parsed rows " + size(e.parsed())
          + ", XGBoost's quantised copy " + size(e.quantised()) + "), external memory about " + size(e.external())
          : "size unknown (" + e.how() + ")"));
    }
    String limits = "the container may use " + size(limit.container()) + " ("
        + (limit.cgroup().isPresent() && limit.cgroup().getAsLong() <= limit.physical()
            ? "cgroup limit " + limit.cgroupFile() : "the instance's memory") + "), less " + size(jvm)
        + " for the JVM (maximum heap " + size(limit.heap()) + ", about " + size(JVM_OVERHEAD) + " of its own): "
        + size(Math.max(0, available)) + " for the data";
    boolean fitsInMemory = !known || (inMemory <= available && parsed <= limit.direct());
    boolean external;
    String why;
    switch (setting) {
      case TRUE -> {
        external = true;
        why = "external_memory=true";
      }
      case FALSE -> {
        external = false;
        why = "external_memory=false";
      }
      default -> {
        external = externalPossible && !fitsInMemory;
        why = "external_memory=auto" + (!known ? ", size unknown so in memory"
            : fitsInMemory ? ", it fits" : externalPossible ? ", it does not fit" : ", it does not fit and "
                + "external memory cannot be used here (cross-validation, or a booster that needs raw values)");
      }
    }
    log.accept("memory: need about " + (known ? size(inMemory) : "?") + " in memory, " + (known ? size(externalNeed) : "?")
        + " with external memory; " + limits + "; parsed rows may take " + size(limit.direct())
        + " of direct memory (MaxDirectMemorySize); " + why + ": training " + (external ? "from external memory"
            : "in memory"));
    if (!known) {
      return new Decision(external, inMemory, external ? EXTERNAL_WORKING_SET : -1, available);
    }
    if (external && externalNeed > available) {
      throw new PlatformError("the data does not fit in memory even with external memory: training needs about "
          + size(externalNeed) + " in memory for " + String.format(Locale.ROOT, "%,d", rows(estimates)) + " rows (XGBoost's quantile sketch, or its per-row state), but "
          + limits + "; perhaps you should use an instance type with more memory, or more instances "
          + "(with ShardedByS3Key each host holds only its shard)" + smallerHeap(externalNeed, available));
    }
    if (!external && !fitsInMemory) {
      String direct = parsed > limit.direct() ? " (and its parsed rows, about " + size(parsed)
          + ", exceed the JVM's " + size(limit.direct()) + " of direct memory)" : "";
      String orExternal = !externalPossible ? "" : externalNeed <= available ? ", or set external_memory="
          + (setting == ExternalMemory.FALSE ? "true or auto" : "true") + " to train from disk (about "
          + size(externalNeed) + " in memory)" : " (external memory would need about " + size(externalNeed)
          + ", which does not fit either)";
      // only the direct limit in the way: the user's JAVA_OPTS set it (or a heap) below what the data may use
      String fix = inMemory <= available ? "raise -XX:MaxDirectMemorySize in JAVA_OPTS to " + (available >> 20)
          + "m (what the container leaves for the data)"
          : "use an instance type with more memory" + smallerHeap(inMemory, available);
      throw new PlatformError("the data does not fit in memory: training in memory needs about " + size(inMemory)
          + direct + ", but " + limits + "; perhaps you should " + fix + orExternal);
    }
    return new Decision(external, inMemory, externalNeed, available);
  }

  /**
   * The fix of a heap larger than the job needs, offered where the data would fit beside half the
   * heap (but no less than {@link #SMALLEST_HEAP}): the training heap holds little besides the
   * evaluation's predictions, and what it does not take the image's launcher gives the data (its
   * {@code -XX:MaxDirectMemorySize} follows the heap).
   */
  private String smallerHeap(long need, long available) {
    long spare = limit.heap() - Math.max(limit.heap() / 2, SMALLEST_HEAP);
    return spare > 0 && need <= available + spare
        ? ", or a smaller heap (-XX:MaxRAMPercentage or -Xmx in JAVA_OPTS)" : "";
  }

  /** Where external memory keeps its files unless {@value #CACHE_DIR_ENV} says otherwise: the JVM's temporary folder. */
  static final String CACHE_DIR_ENV = "SM_EXTERNAL_MEMORY_DIR";

  /**
   * The training job's one call: decides for its channels and, for external memory, opens the
   * cache the channels are spilled to ({@code null}: in memory). The caller closes it at the end.
   *
   * @throws PlatformError when the data cannot fit (see {@link #decide})
   */
  public static BatchCache prepare(Hyperparameters hp, InputDataConfig config, java.util.function.Function<String, Path> channelDir,
      Map<String, String> env, Consumer<String> log) {
    List<ChannelConfig> channels = new ArrayList<>();
    channels.add(config.train());
    config.validation().ifPresent(channels::add);
    List<Path> folders = channels.stream().map(c -> channelDir.apply(c.name())).toList();
    boolean possible = hp.quantileMatrix() && hp.kfold().isEmpty() && NativeShim.available();
    Decision decision = new MemoryBudget(MemoryLimit.detect(), log).decide(channels, folders, hp.externalMemory(),
        possible);
    if (!decision.external()) {
      return null;
    }
    String dir = env.getOrDefault(CACHE_DIR_ENV, "");
    long page = pageBytes(decision.available());
    BatchCache cache = BatchCache.create(dir.isBlank() ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(dir),
        page);
    log.accept("external memory: parsed rows and XGBoost's pages go to " + cache.dir()
        + " (removed at the end; " + CACHE_DIR_ENV + " moves it); pages of up to " + size(page) + " of values");
    return cache;
  }

  /**
   * XGBoost's page size: large pages train faster (a fixed cost per page and round: 32 MiB pages were
   * about 2.5 times faster per round than 3 MiB ones here), but XGBoost holds about 4 times a page
   * while it converts one (its row page at 8 bytes a value, the histogram page, the next page
   * prefetched), so a page is an eighth of what the data may use, between 8 and 64 MiB. Above 64 MiB
   * the peak grows with the page and so with the rows ({@code bench/external-memory.sh}, 100 rounds, 100
   * features: with pages up to 256 MiB the peak RSS grew 69% then 21% as the rows doubled from
   * 250,000, with 64 MiB pages 13% then 1%), while a round took 1.39 times the in-memory one
   * against 1.12 times.
   */
  static long pageBytes(long available) {
    Long fixed = Long.getLong("xgbc.externalPageMiB");
    if (fixed != null && fixed > 0) {
      return fixed << 20;
    }
    return Math.max(8L << 20, Math.min(64L << 20, available / 8));
  }

  private static long rows(List<ChannelEstimate> estimates) {
    return estimates.stream().mapToLong(ChannelEstimate::rows).sum();
  }

  /** One channel's estimate from its files. */
  static ChannelEstimate estimate(ChannelConfig channel, Path folder) {
    String name = channel.name();
    ContentType type = channel.contentType();
    if (channel.inputMode() == InputMode.PIPE) {
      return new ChannelEstimate(name, type, -1, 0, 0, 0, "Pipe mode: a stream of unknown length");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files = walk.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    } catch (IOException | RuntimeException e) {
      return new ChannelEstimate(name, type, -1, 0, 0, 0, "folder " + folder + " cannot be listed");
    }
    long bytes = 0;
    Path first = null;
    for (Path f : files) {
      if (Files.isDirectory(f)) {
        continue;
      }
      if (!Files.isRegularFile(f)) {
        return new ChannelEstimate(name, type, -1, 0, 0, 0, "FIFOs served on demand (FastFile)");
      }
      try {
        long size = Files.size(f);
        bytes += size;
        if (first == null && size > 0) {
          first = f;
        }
      } catch (IOException e) {
        return new ChannelEstimate(name, type, -1, 0, 0, 0, "file " + f + " cannot be read");
      }
    }
    boolean compressed = first != null && first.getFileName().toString().matches(".*\\.(gz|bz2|zst|xz|zip|snappy)$");
    if (type.isText() && first != null && !compressed && !channel.recordIoWrapped()) {
      return sampled(name, type, bytes, first);
    }
    if (type == ContentType.PARQUET) {
      Optional<ChannelEstimate> exact = fromFooters(name, type, bytes, files);
      if (exact.isPresent()) {
        return exact.get();
      }
    }
    double factor = switch (type) {
      case PARQUET -> PARQUET_FACTOR;
      case RECORDIO_PROTOBUF -> RECORDIO_FACTOR;
      default -> compressed ? COMPRESSED_TEXT_FACTOR : 1.0;
    };
    long parsed = (long) (bytes * factor);
    // without a sample: one cell per 4 parsed bytes, and a row of ~32 cells for the per-row state
    long cells = parsed / PARSED_BYTES_PER_CELL;
    return new ChannelEstimate(name, type, bytes, cells / 32, parsed, cells * QUANTISED_BYTES_PER_CELL,
        String.format(Locale.ROOT, "%.1f x its bytes on disk", factor));
  }

  /**
   * Parquet: the rows and columns every file's footer states, so the estimate is exact (the bytes on
   * disk say little: a 204 MiB file of 1M x 28 floats was estimated at 4 times as much as it parses
   * to). Empty files (Spark's {@code _SUCCESS}) hold nothing; any other file that is not readable
   * Parquet leaves the estimate to the factor on bytes.
   */
  private static Optional<ChannelEstimate> fromFooters(String name, ContentType type, long bytes, List<Path> files) {
    long rows = 0;
    long cells = 0;
    int read = 0;
    TreeSet<Integer> widths = new TreeSet<>();
    for (Path f : files) {
      try {
        if (Files.isDirectory(f) || Files.size(f) == 0) {
          continue;
        }
      } catch (IOException e) {
        return Optional.empty();
      }
      Optional<ParquetReader.Shape> shape = ParquetReader.shape(f);
      if (shape.isEmpty()) {
        return Optional.empty();
      }
      rows += shape.get().rows();
      cells += shape.get().rows() * shape.get().columns();
      if (shape.get().rows() > 0) { // a file without rows (an empty partition) sets no width, as in the read
        widths.add(shape.get().columns());
      }
      read++;
    }
    if (widths.isEmpty()) {
      return Optional.empty();
    }
    String columns = widths.size() == 1 ? widths.first().toString() : widths.first() + " to " + widths.last();
    return Optional.of(new ChannelEstimate(name, type, bytes, rows, cells * PARSED_BYTES_PER_CELL,
        (cells - rows) * QUANTISED_BYTES_PER_CELL, String.format(Locale.ROOT,
            "%,d rows of %s columns (from the footers of %d Parquet file%s)", rows, columns, read, read == 1 ? "" : "s")));
  }

  /** CSV and LibSVM: bytes per row and cells per row from the first MiB of the first file. */
  private static ChannelEstimate sampled(String name, ContentType type, long bytes, Path first) {
    byte[] sample;
    try (InputStream in = Files.newInputStream(first)) {
      sample = in.readNBytes(SAMPLE_BYTES);
    } catch (IOException e) {
      return new ChannelEstimate(name, type, -1, 0, 0, 0, "file " + first + " cannot be read");
    }
    int lines = 0;
    long fields = 0;
    int end = 0;
    int lineStart = 0;
    for (int i = 0; i < sample.length; i++) {
      if (sample[i] == '\n') {
        if (i > lineStart) {
          lines++;
          fields += fieldsIn(sample, lineStart, i, type);
        }
        lineStart = i + 1;
        end = i + 1;
      }
    }
    if (lines == 0) { // one line longer than the sample, or a file without a line feed
      lines = 1;
      end = sample.length;
      fields = fieldsIn(sample, 0, sample.length, type);
    }
    double bytesPerRow = end / (double) lines;
    double cellsPerRow = fields / (double) lines;
    long rows = (long) Math.ceil(bytes / bytesPerRow);
    long cells = (long) (rows * cellsPerRow);
    long parsed;
    long quantised;
    if (type == ContentType.CSV) {
      parsed = cells * PARSED_BYTES_PER_CELL;
      quantised = (cells - rows) * QUANTISED_BYTES_PER_CELL;
    } else {
      long values = cells - rows; // the label is not a stored value
      parsed = rows * (4 + 8) + values * 8;
      quantised = values * QUANTISED_BYTES_PER_CELL;
    }
    return new ChannelEstimate(name, type, bytes, rows, parsed, quantised, String.format(Locale.ROOT,
        "about %,d rows of %.0f %s (sampled from %s)", rows, cellsPerRow,
        type == ContentType.CSV ? "columns" : "values", first.getFileName()));
  }

  /** CSV: delimiters + 1 (comma, tab, ';', '|' or space: the most frequent); LibSVM: tokens. */
  private static int fieldsIn(byte[] b, int from, int to, ContentType type) {
    if (type == ContentType.LIBSVM) {
      int tokens = 0;
      boolean in = false;
      for (int i = from; i < to; i++) {
        boolean space = b[i] == ' ' || b[i] == '\t' || b[i] == '\r';
        if (!space && !in) {
          tokens++;
        }
        in = !space;
      }
      return tokens;
    }
    int[] counts = new int[128];
    for (int i = from; i < to; i++) {
      if (b[i] >= 0) {
        counts[b[i]]++;
      }
    }
    int most = Math.max(Math.max(counts[','], counts['\t']), Math.max(Math.max(counts[';'], counts['|']), counts[' ']));
    return most + 1;
  }

  /** A byte count for people: {@code 38.1 MiB}, {@code 15.6 GiB}. */
  static String size(long bytes) {
    if (bytes < 1L << 30) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
  }
}
