package io.github.xgbcontainer.data.parquet;

import io.github.xgbcontainer.channel.DataStream;
import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.DenseBatchBuilder;
import io.github.xgbcontainer.data.InfiniteFeature;
import io.github.xgbcontainer.data.RecordReader;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.DummyRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads Parquet files: the first column is the label, every other column a feature, except the
 * index columns a pandas or Dask writer recorded ({@link PandasIndex}); {@code int32},
 * {@code int64}, {@code float}, {@code double} and {@code boolean} columns are accepted and nulls
 * are missing values. One row group is decoded at a time, column by column (several columns at once
 * on several threads), straight into a dense batch. A stream without a file (a pipe) is spooled to a
 * temporary file first, because Parquet's footer is at the end.
 */
public final class ParquetReader implements RecordReader {

  private static final Logger LOG = Logger.getLogger(ParquetReader.class.getName());
  private static final byte[] MAGIC = {'P', 'A', 'R', '1'};
  /** Bytes read from a pipe at a time while spooling it. */
  private static final int SPOOL_CHUNK = 1 << 20;
  /** How far the search for {@code PAR1PAR1} may move on, by the byte under the pattern's last byte. */
  private static final int[] SKIP = new int[256];

  static {
    java.util.Arrays.fill(SKIP, 8);
    byte[] pattern = {'P', 'A', 'R', '1', 'P', 'A', 'R', '1'};
    for (int k = 0; k < 7; k++) {
      SKIP[pattern[k] & 0xff] = 7 - k;
    }
  }

  private final Path spoolDir;
  private final int threads;
  /** The feature columns' names of the first file, and whether every later file had the same. */
  private List<String> names;
  private boolean namesAgree = true;
  private Set<String> lastDropped = Set.of();

  /** One decoding thread; see {@link #ParquetReader(Path, int)}. */
  public ParquetReader(Path spoolDir) {
    this(spoolDir, 1);
  }

  /**
   * @param spoolDir where a piped Parquet stream is written before it is read
   * @param threads how many columns of a row group are decoded at once, each thread with a file
   *     reader of its own
   */
  public ParquetReader(Path spoolDir, int threads) {
    this.spoolDir = spoolDir;
    this.threads = Math.max(1, threads);
  }

  /** The feature columns' names, when every file read so far has the same; empty otherwise. */
  @Override
  public List<String> featureNames() {
    return names == null || !namesAgree ? List.of() : names;
  }

  /** The columns the file's pandas metadata names as the index and the schema holds. */
  private static Set<String> pandasIndex(String where, ParquetFileReader reader, MessageType schema) {
    Set<String> index;
    try {
      index = PandasIndex.columns(reader.getFooter().getFileMetaData().getKeyValueMetaData());
    } catch (IOException e) {
      LOG.warning(where + ": its pandas metadata is not JSON (" + e.getMessage() + "); every column is read");
      return Set.of();
    }
    index.removeIf(name -> !schema.containsField(name));
    return index;
  }

  /** Logs dropped index columns (again only when a file drops others) and keeps the feature names. */
  private void note(String where, Set<String> index, List<ColumnDescriptor> columns) {
    if (!index.isEmpty() && !index.equals(lastDropped)) {
      String list = index.stream().map(n -> "'" + n + "'").collect(java.util.stream.Collectors.joining(", "));
      LOG.info(where + ": " + (index.size() == 1 ? "column " + list + " is the pandas index" : "columns " + list
          + " are the pandas index") + " (named in the file's pandas metadata), not "
          + (index.size() == 1 ? "a feature" : "features") + ": dropped, as pandas reads it");
    }
    lastDropped = index;
    List<String> fileNames = columns.stream().skip(1).map(c -> c.getPath()[0]).toList();
    if (names == null) {
      names = fileNames;
    } else if (namesAgree && !names.equals(fileNames)) {
      namesAgree = false;
      LOG.warning(where + ": its feature columns " + fileNames + " are not the first file's " + names
          + "; the model gets no feature names");
    }
  }

  /**
   * Whether {@code file} is a Parquet file with a schema and no rows (as Spark writes for an empty
   * partition), from its footer alone. A file that is not readable Parquet is not called empty:
   * reading it says what is wrong with it.
   */
  public static boolean holdsNoRows(Path file) {
    return shape(file).map(s -> s.rows() == 0).orElse(false);
  }

  /** A Parquet file's rows and columns, the label's included and a pandas index's not. */
  public record Shape(long rows, int columns) {}

  /**
   * {@code file}'s shape from its footer alone; empty where the file is
   * not readable Parquet (reading it says what is wrong with it).
   */
  public static java.util.Optional<Shape> shape(Path file) {
    try {
      FileSegment whole = new FileSegment(file, 0, Files.size(file));
      if (whole.getLength() < 12) {
        return java.util.Optional.empty();
      }
      try (ParquetFileReader reader = ParquetFileReader.open(whole, options("probe"))) {
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        Set<String> index;
        try {
          index = PandasIndex.columns(reader.getFooter().getFileMetaData().getKeyValueMetaData());
        } catch (IOException e) {
          index = Set.of(); // the read warns about it
        }
        Set<String> dropped = index;
        long rows = reader.getRowGroups().stream().mapToLong(g -> g.getRowCount()).sum();
        int columns = (int) schema.getColumns().stream().filter(c -> !dropped.contains(c.getPath()[0])).count();
        return java.util.Optional.of(new Shape(rows, columns));
      }
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  @Override
  public void read(String channel, DataStream stream, Consumer<Batch> sink) throws IOException {
    if (stream.file().isPresent()) {
      Path file = stream.file().get();
      readSegment("channel '" + channel + "', file '" + stream.name() + "'",
          new FileSegment(file, 0, Files.size(file)), sink);
      return;
    }
    Files.createDirectories(spoolDir);
    Path spool = Files.createTempFile(spoolDir, "pipe-", ".parquet");
    try {
      long started = System.nanoTime();
      List<Long> candidates = new ArrayList<>();
      long bytes;
      try (InputStream in = stream.open()) {
        bytes = spool(in, spool, candidates, SPOOL_CHUNK);
      }
      LOG.info(String.format("channel '%s': Parquet needs random access, so %s was spooled to %s (%.1f MB in %.2f s) "
          + "before reading", channel, stream.name(), spool, bytes / 1e6, (System.nanoTime() - started) / 1e9));
      List<FileSegment> parts = split(spool, candidates);
      for (int i = 0; i < parts.size(); i++) {
        FileSegment part = parts.get(i);
        String where = "channel '" + channel + "', file '" + stream.name() + "'"
            + (parts.size() > 1 ? " (Parquet file " + (i + 1) + " of " + parts.size() + ", from byte " + part.start() + ")" : "");
        readSegment(where, part, sink);
      }
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  /**
   * Copies a pipe's bytes to the spool file and, in the same pass, notes every offset where a
   * {@code PAR1} ends and another begins ({@code PAR1PAR1}): where one file may end and the next start.
   *
   * @param chunk bytes read at a time
   * @return the number of bytes copied
   */
  static long spool(InputStream in, Path spool, List<Long> candidates, int chunk) throws IOException {
    byte[] buffer = new byte[chunk + 7];
    int carried = 0; // the previous chunk's last 7 bytes, at the front: a pattern may straddle chunks
    long chunkStart = 0; // file offset of buffer[0]
    // A FileOutputStream writes the array as it is; a FileChannel would copy it to a direct buffer first.
    try (OutputStream out = new FileOutputStream(spool.toFile())) {
      while (true) {
        int n = in.readNBytes(buffer, carried, chunk);
        if (n == 0) {
          return chunkStart + carried;
        }
        out.write(buffer, carried, n);
        int end = carried + n;
        // Horspool's search for PAR1PAR1: most bytes are none of P, A, R, 1 and skip all 8 at once
        for (int i = 0; i + 8 <= end; i += SKIP[buffer[i + 7] & 0xff]) {
          if (buffer[i + 7] == '1' && isMagic(buffer, i) && isMagic(buffer, i + 4)) {
            candidates.add(chunkStart + i + 4);
          }
        }
        int keep = Math.min(7, end);
        System.arraycopy(buffer, end - keep, buffer, 0, keep);
        chunkStart += end - keep;
        carried = keep;
        if (n < chunk) {
          return chunkStart + carried;
        }
      }
    }
  }

  /**
   * Finds the Parquet files in a pipe's bytes: SageMaker streams a channel's S3 objects back to back,
   * so a file's closing {@code PAR1} is followed by the next one's opening {@code PAR1}. A candidate
   * boundary (from {@link #spool}) counts when the footer length before it fits and the footer there
   * parses.
   */
  static List<FileSegment> split(Path file, List<Long> candidates) throws IOException {
    long size = Files.size(file);
    List<FileSegment> parts = new ArrayList<>();
    long start = 0;
    try (FileChannel channel = FileChannel.open(file)) {
      for (long boundary : candidates) {
        if (boundary > start + 12 && boundary < size && footerFits(channel, start, boundary)
            && opens(new FileSegment(file, start, boundary))) {
          parts.add(new FileSegment(file, start, boundary));
          start = boundary;
        }
      }
    }
    parts.add(new FileSegment(file, start, size));
    return parts;
  }

  private static boolean isMagic(byte[] b, int at) {
    return b[at] == 'P' && b[at + 1] == 'A' && b[at + 2] == 'R' && b[at + 3] == '1';
  }

  private static boolean footerFits(FileChannel channel, long start, long end) throws IOException {
    ByteBuffer length = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    channel.read(length, end - 8);
    long footer = Integer.toUnsignedLong(length.getInt(0));
    return end - 8 - footer >= start + 4;
  }

  private static boolean opens(FileSegment segment) {
    try (ParquetFileReader ignored = ParquetFileReader.open(segment, options("probe"))) {
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Options for one reader: its own page-output buffer and chunk buffers, both reused from column to
   * column, so reading adds almost nothing to the heap. That holds only while one column chunk is
   * decoded at a time and its page store closed before the next, as {@link #readSegment} does.
   */
  private static ParquetReadOptions options(String where) {
    return ParquetReadOptions.builder(new PlainParquetConfiguration())
        .withCodecFactory(new PureJavaCodecs(where))
        .withAllocator(new RecyclingAllocator())
        .build();
  }

  private void readSegment(String where, FileSegment file, Consumer<Batch> sink) throws IOException {
    checkMagic(where, file);
    ParquetFileReader reader = open(where, file);
    List<ParquetFileReader> readers = new ArrayList<>(List.of(reader));
    ExecutorService pool = null;
    try {
      if (reader.getRowGroups().stream().allMatch(g -> g.getRowCount() == 0)) {
        // a schema without rows (Spark's file for an empty partition) adds nothing, as an empty text
        // file adds nothing: its columns neither name the features nor must they match the others'
        return;
      }
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      Set<String> index = pandasIndex(where, reader, schema);
      List<ColumnDescriptor> columns = schema.getColumns().stream()
          .filter(c -> !index.contains(c.getPath()[0])).toList();
      checkSchema(where, schema, index, columns);
      note(where, index, columns);
      String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
      int features = columns.size() - 1;
      int workers = Math.min(threads, columns.size());
      while (readers.size() < workers) {
        readers.add(open(where, file));
      }
      if (workers > 1) {
        pool = Executors.newFixedThreadPool(workers - 1, r -> {
          Thread t = new Thread(r, "parquet-decode");
          t.setDaemon(true);
          return t;
        });
      }
      long rowBase = 0;
      // One row group at a time. Within it each worker decodes every workers-th column, one column
      // chunk at a time, straight into the batch's off-heap buffer: the heap holds one column chunk
      // a worker, and closing a chunk's page store hands its buffers back for the next one.
      for (int group = 0; group < reader.getRowGroups().size(); group++) {
        long count = reader.getRowGroups().get(group).getRowCount();
        if (count == 0) {
          continue;
        }
        if (count * features > Integer.MAX_VALUE - 8) {
          throw new UserError(where + ": a row group of " + count + " rows is too large to read at once; "
              + "perhaps you should write the file with smaller row groups");
        }
        RowGroup rowGroup = new RowGroup(where, schema, columns, createdBy, group, (int) count, rowBase);
        try (DenseBatchBuilder batch = new DenseBatchBuilder((int) count, features)) {
          List<Future<?>> others = new ArrayList<>();
          for (int w = 1; w < workers; w++) {
            int first = w;
            ParquetFileReader own = readers.get(w);
            others.add(pool.submit(() -> rowGroup.decode(own, first, workers, batch.columnWriter())));
          }
          try {
            rowGroup.decode(reader, 0, workers, batch.columnWriter());
          } finally {
            // every worker must be done with the batch before it is handed on or freed
            awaitAll(others);
          }
          sink.accept(batch.build());
        }
        rowBase += count;
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
      for (ParquetFileReader r : readers) {
        r.close();
      }
    }
  }

  private static ParquetFileReader open(String where, FileSegment file) {
    try {
      return ParquetFileReader.open(file, options(where));
    } catch (IOException | RuntimeException e) {
      throw new UserError(where + ": not a readable Parquet file (" + e.getMessage() + ")", e);
    }
  }

  /** Waits for every task, then rethrows the first failure as it was thrown. */
  private static void awaitAll(List<Future<?>> tasks) throws IOException {
    Throwable first = null;
    for (Future<?> task : tasks) {
      try {
        task.get();
      } catch (ExecutionException e) {
        first = first == null ? e.getCause() : first;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        first = first == null ? e : first;
      }
    }
    if (first instanceof RuntimeException e) {
      throw e;
    }
    if (first instanceof Error e) {
      throw e;
    }
    if (first != null) {
      throw new IOException(first.getMessage(), first);
    }
  }

  /** One row group of one file: what a worker needs to decode some of its columns. */
  private record RowGroup(String where, MessageType schema, List<ColumnDescriptor> columns, String createdBy,
      int index, int rows, long rowBase) {

    /** Decodes columns {@code first}, {@code first + step}, ... through {@code reader} into {@code out}. */
    void decode(ParquetFileReader reader, int first, int step, DenseBatchBuilder.ColumnWriter out) {
      for (int c = first; c < columns.size(); c += step) {
        ColumnDescriptor column = columns.get(c);
        MessageType projection = new MessageType(schema.getName(), schema.getType(column.getPath()));
        reader.setRequestedSchema(projection);
        try (PageReadStore pages = rowGroup(where, reader, index)) {
          ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages,
              new DummyRecordConverter(projection).getRootConverter(), projection, createdBy);
          ParquetReader.decode(where, store.getColumnReader(column), column, c, rows, rowBase, out);
        }
      }
      out.finish();
    }
  }

  private static void decode(String where, ColumnReader values, ColumnDescriptor column, int c, int rows,
      long rowBase, DenseBatchBuilder.ColumnWriter batch) {
    int maxDefinition = column.getMaxDefinitionLevel();
    PrimitiveType.PrimitiveTypeName type = column.getPrimitiveType().getPrimitiveTypeName();
    try {
      for (int r = 0; r < rows; r++) {
        float v;
        double written = 0; // a double column's value before the cast, for the message on an infinity
        if (values.getCurrentDefinitionLevel() < maxDefinition) {
          v = Float.NaN;
        } else {
          v = switch (type) {
            case INT32 -> values.getInteger();
            case INT64 -> values.getLong();
            case FLOAT -> values.getFloat();
            case DOUBLE -> {
              written = values.getDouble();
              yield (float) written;
            }
            case BOOLEAN -> values.getBoolean() ? 1f : 0f;
            default -> throw new IllegalStateException("checked by checkSchema: " + type);
          };
        }
        values.consume();
        if (Float.isInfinite(v) && c > 0) {
          // XGBoost would refuse the matrix later, without naming the row
          boolean overflow = !Double.isInfinite(written) && type == PrimitiveType.PrimitiveTypeName.DOUBLE;
          throw new UserError(where + ", row " + (rowBase + r + 1) + ": " + InfiniteFeature.refusal("the value "
              + (overflow ? written : v) + " in column '" + column.getPath()[0] + "'", overflow,
              "write a null for a missing value or a finite number"));
        }
        if (c == 0) {
          if (Float.isNaN(v)) {
            throw new UserError(where + ", row " + (rowBase + r + 1) + ": the label (column '"
                + column.getPath()[0] + "') is null; every row needs a label");
          }
          batch.label(r, v);
        } else {
          batch.value(r, c - 1, v);
        }
      }
    } catch (RuntimeException e) {
      if (e instanceof UserError) {
        throw e;
      }
      throw new UserError(where + ", column '" + column.getPath()[0] + "': cannot decode ("
          + e.getMessage() + "); is the file complete?", e);
    }
  }

  private static PageReadStore rowGroup(String where, ParquetFileReader reader, int group) {
    try {
      return reader.readRowGroup(group);
    } catch (IOException | RuntimeException e) {
      throw new UserError(where + ": cannot read row group " + (group + 1) + " (" + e.getMessage()
          + "); is the file complete?", e);
    }
  }

  private static void checkSchema(String where, MessageType schema, Set<String> index, List<ColumnDescriptor> columns) {
    for (Type field : schema.getFields()) {
      if (index.contains(field.getName())) {
        continue;
      }
      if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) {
        throw new UserError(where + ": column '" + field.getName() + "' is nested or repeated; only flat "
            + "int32, int64, float, double and boolean columns can be read, perhaps you should flatten it");
      }
      PrimitiveType.PrimitiveTypeName type = field.asPrimitiveType().getPrimitiveTypeName();
      switch (type) {
        case INT32, INT64, FLOAT, DOUBLE, BOOLEAN -> { }
        default -> throw new UserError(where + ": column '" + field.getName() + "' is " + describe(field.asPrimitiveType())
            + ", not a number; only int32, int64, float, double and boolean columns can be read, perhaps "
            + "you should encode it as numbers or drop it");
      }
    }
    if (columns.size() < 2) {
      throw new UserError(where + ": has " + columns.size() + " column(s) but needs at least 2 (the label "
          + "first, then at least one feature)");
    }
  }

  private static String describe(PrimitiveType type) {
    String name = type.getPrimitiveTypeName().name().toLowerCase(java.util.Locale.ROOT);
    return type.getLogicalTypeAnnotation() == null ? name : name + " (" + type.getLogicalTypeAnnotation() + ")";
  }

  private static void checkMagic(String where, FileSegment file) throws IOException {
    long size = file.getLength();
    byte[] head = new byte[4];
    byte[] tail = new byte[4];
    if (size >= 12) {
      try (FileChannel channel = FileChannel.open(file.file())) {
        channel.read(ByteBuffer.wrap(head), file.start());
        channel.read(ByteBuffer.wrap(tail), file.end() - 4);
      }
    }
    if (size < 12 || !java.util.Arrays.equals(head, MAGIC) || !java.util.Arrays.equals(tail, MAGIC)) {
      throw new UserError(where + ": not a Parquet file (" + size + " bytes, it does not start and end with "
          + "'PAR1'); perhaps you should check the channel's ContentType");
    }
  }
}
