package io.github.xgbcontainer.data;

import io.github.xgbcontainer.channel.ChannelSource;
import io.github.xgbcontainer.channel.DataStream;
import io.github.xgbcontainer.channel.MalformedStreamException;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Logger;

/**
 * Reads a whole channel into batches, parsing on every core: one thread cuts the streams into
 * blocks of whole lines, the others parse blocks as they come, and the batches are kept in stream
 * order. At most a few blocks of raw text are in memory at once; the parsed rows live off-heap.
 */
public final class ChannelReader {

  private static final Logger LOG = Logger.getLogger(ChannelReader.class.getName());
  /** The parser for blocks before the channel's first non-empty line: it counts their lines. */
  private static final BlockParser EMPTY_LINES = block -> new BlockParser.ParsedBlock(null, block.lineFeeds());
  /**
   * The text block, which is also the batch handed to XGBoost. The reader holds about six blocks on
   * the heap (four in flight on two cores, the one being filled, the next), and G1 keeps the pages
   * they touched: with 4 MiB blocks, each a humongous object over two 4 MiB regions, that was ~48
   * MiB of heap and a 1M x 28 CSV job peaked at 228-235 MiB; with 1 MiB blocks at 213 MiB, with the
   * same model bytes. XGBoost's passes over four times as many batches cost more CPU (its threads
   * wait at the end of each batch's parallel regions) but, on 2 cores, no measurable wall time
   * (README, "Performance").
   */
  static final int DEFAULT_BLOCK_BYTES = Integer.getInteger("xgbc.blockBytes", 1 << 20);

  private final ContentType contentType;
  private final boolean csvWeights;
  private final int threads;
  private final int blockBytes;
  private final RecordReader records;
  private final QueryColumn queryColumn;
  /** Where parsed batches go as they come (external memory); null keeps them in memory. */
  private final BatchCache cache;
  private final boolean contentTypeDefaulted;
  /** Whether dense CSV batches are held as packed short decimals ({@link Batch#packed()}). */
  private final boolean packDecimals;

  /**
   * @param contentType how to parse the bytes
   * @param csvWeights whether CSV column 2 is the instance weight ({@code csv_weights=1})
   * @param threads parser threads
   */
  public ChannelReader(ContentType contentType, boolean csvWeights, int threads) {
    this(contentType, csvWeights, threads, DEFAULT_BLOCK_BYTES, null);
  }

  /**
   * A reader for a binary content type.
   *
   * @param contentType what the records are (Parquet, RecordIO-protobuf)
   * @param records the reader that turns one stream of that type into batches
   */
  public ChannelReader(ContentType contentType, RecordReader records) {
    this(contentType, false, 1, DEFAULT_BLOCK_BYTES, records);
  }

  ChannelReader(ContentType contentType, boolean csvWeights, int threads, int blockBytes) {
    this(contentType, csvWeights, threads, blockBytes, null);
  }

  private ChannelReader(ContentType contentType, boolean csvWeights, int threads, int blockBytes,
      RecordReader records) {
    this(contentType, csvWeights, threads, blockBytes, records, null, false, null, false);
  }

  private ChannelReader(ContentType contentType, boolean csvWeights, int threads, int blockBytes,
      RecordReader records, QueryColumn queryColumn, boolean contentTypeDefaulted, BatchCache cache,
      boolean packDecimals) {
    if (contentType.isText() == (records != null)) {
      throw new IllegalArgumentException(contentType + (records == null ? " needs a record reader" : " is text"));
    }
    this.contentType = contentType;
    this.csvWeights = csvWeights;
    this.threads = Math.max(1, threads);
    this.blockBytes = blockBytes;
    this.records = records;
    this.queryColumn = queryColumn;
    this.contentTypeDefaulted = contentTypeDefaulted;
    this.cache = cache;
    this.packDecimals = packDecimals;
  }

  /**
   * This reader, writing every parsed batch to {@code cache} as soon as it is parsed (external
   * memory): the channel's rows are then held on disk, and only the blocks being parsed in memory.
   */
  public ChannelReader withCache(BatchCache cache) {
    return new ChannelReader(contentType, csvWeights, threads, blockBytes, records, queryColumn, contentTypeDefaulted,
        cache, packDecimals);
  }

  /** The batch as this reader keeps it: in memory, or moved to the cache. */
  private Batch kept(Batch batch) {
    return cache == null ? batch : cache.keep(batch);
  }

  /**
   * This reader, holding the feature values of a CSV channel's dense batches as short decimals of one
   * to three bytes where every value of a batch is one ({@link Batch#packed()}), packed by the parser
   * threads as each block is parsed. For a channel read once into a quantised matrix
   * ({@code MatrixFactory.buildConsuming}), whose native build decodes them batch by batch: any
   * other reader of the values turns them back into floats. Not with a query column, whose
   * extraction reads the floats at once.
   */
  public ChannelReader withPackedDecimals() {
    return new ChannelReader(contentType, csvWeights, threads, blockBytes, records, queryColumn, contentTypeDefaulted,
        cache, true);
  }

  /**
   * This reader, taking each row's query id (learning to rank) from a column of CSV or Parquet rows
   * ({@code query_column}); that column is then not a feature. LibSVM rows carry theirs as
   * {@code qid:}, whatever this says.
   *
   * @param fileColumn the column's 1-based number in the file: the label is column 1, and with
   *     {@code csv_weights=1} a CSV file's weight is column 2
   * @throws UserError when the content type has no such column or the column is the label or weight
   */
  public ChannelReader withQueryColumn(int fileColumn) {
    if (contentType != ContentType.CSV && contentType != ContentType.PARQUET) {
      throw new UserError("hyperparameter 'query_column' applies to CSV and Parquet channels, not "
          + contentType.mimeType() + (contentType == ContentType.LIBSVM
          ? ", perhaps you should remove it: LibSVM rows give their query as 'qid:' after the label"
          : ", perhaps you should remove it"));
    }
    int leading = contentType == ContentType.CSV && csvWeights ? 2 : 1;
    if (fileColumn <= leading) {
      throw new UserError("hyperparameter 'query_column': column " + fileColumn + " holds the "
          + (fileColumn == 1 ? "label" : "instance weight (csv_weights=1)")
          + ", perhaps you should name the column of the query ids (counting the label as column 1)");
    }
    return new ChannelReader(contentType, csvWeights, threads, blockBytes, records,
        new QueryColumn(fileColumn - leading - 1, fileColumn), contentTypeDefaulted, cache, packDecimals);
  }

  /**
   * This reader, for a channel whose job named no content type and which is therefore read as
   * LibSVM (the official image's default): when the channel's first line is plainly CSV, reading
   * fails at once with an error that says the ContentType is missing, rather than that the label
   * is not a number.
   */
  public ChannelReader withContentTypeDefaulted() {
    return new ChannelReader(contentType, csvWeights, threads, blockBytes, records, queryColumn, true, cache,
        packDecimals);
  }

  /**
   * Reads every stream of the channel.
   *
   * @throws UserError for an empty channel or malformed data, naming channel, file and line
   */
  public ChannelData read(ChannelSource source) {
    String channel = source.channel();
    List<DataStream> streams = source.streams();
    if (streams.isEmpty()) {
      throw new UserError("channel '" + channel + "' has no data files: put at least one "
          + contentType.mimeType() + " file in it");
    }
    long start = System.nanoTime();
    if (records != null) {
      return readRecords(channel, streams, start);
    }
    List<Batch> batches = new ArrayList<>();
    // Text blocks are recycled: a channel of any size keeps the Java heap at a few blocks, and no
    // more of them are parsed at once than a third of the heap holds, however many cores there are.
    int inFlight = blocksInFlight(threads, blockBytes, Runtime.getRuntime().maxMemory());
    BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(inFlight + 3);
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, inFlight), r -> {
      Thread t = new Thread(r, "parse-" + channel);
      t.setDaemon(true);
      return t;
    });
    Deque<PendingBlock> pending = new ArrayDeque<>();
    try {
      Packer packer = new Packer(take(spare));
      TextRead state = new TextRead(channel);
      long bytes = 0;
      for (DataStream stream : streams) {
        try (InputStream in = stream.open()) {
          packer.startStream(stream);
          int n;
          while ((n = in.read(packer.buffer, packer.filled, packer.buffer.length - packer.filled)) >= 0) {
            packer.filled += n;
            bytes += n;
            if (packer.filled < packer.buffer.length) {
              continue;
            }
            int cut = lastLineFeed(packer.buffer, packer.filled) + 1;
            if (cut == 0) {
              // one line longer than a block: grow the buffer until it holds the line
              packer.buffer = Arrays.copyOf(packer.buffer, packer.buffer.length * 2);
              continue;
            }
            byte[] next = packer.filled - cut > blockBytes ? new byte[packer.buffer.length] : take(spare);
            submit(state, packer.cut(cut, next), pool, spare, pending);
            while (pending.size() >= inFlight) {
              collect(pending.removeFirst(), state, batches);
            }
          }
          packer.endStream();
        } catch (MalformedStreamException e) {
          throw new UserError("channel '" + channel + "', file '" + stream.name() + "', " + e.getMessage(), e);
        } catch (IOException e) {
          throw new PlatformError("channel '" + channel + "', file '" + stream.name() + "': read failed: "
              + e.getMessage(), e);
        }
      }
      if (packer.filled > 0) {
        submit(state, packer.cut(packer.filled, null), pool, spare, pending);
      }
      while (!pending.isEmpty()) {
        collect(pending.removeFirst(), state, batches);
      }
      state.reportLast();
      return finish(channel, streams, batches, state.features, bytes, start, state.grouping, List.of());
    } catch (RuntimeException | Error e) {
      // (an Error too: out of memory in the reading thread leaves no parse running and no batch open)
      for (PendingBlock p : pending) {
        p.future().cancel(true);
        closeQuietly(p.future());
      }
      batches.forEach(Batch::close);
      throw e;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Where one stream's bytes begin in a block. Blocks are cut only when full, so one block holds the
   * ends and beginnings of as many streams as fit: a channel of many small files (Spark's
   * {@code part-} files) costs a block per 1 MiB, not a block, a parse task and a batch per file.
   *
   * @param stream the stream
   * @param tally what the stream's blocks add up to, shared by its segments
   * @param start the byte offset in the block
   * @param linesBefore line feeds in the block before {@code start}
   * @param streamStart whether the segment starts at the stream's first byte; otherwise it
   *     continues the stream of the previous block's last segment
   */
  private record Segment(DataStream stream, StreamTally tally, int start, long linesBefore, boolean streamStart) {}

  /** A block handed to a parser, with the segments that say which lines belong to which stream. */
  private record PendingBlock(Future<BlockParser.ParsedBlock> future, List<Segment> segments) {}

  /** A cut block: its bytes, their length and the streams in it. */
  private record Cut(byte[] bytes, int length, List<Segment> segments) {}

  /** What one read of a text channel learns as it goes. */
  private static final class TextRead {
    final String channel;
    final QueryGrouping grouping;
    /** Chosen from the channel's first non-empty line (CSV: its delimiter and field count); null until then. */
    BlockParser parser;
    int features;
    /** The stream of the last collected segment: its warnings are given once it is done. */
    Segment last;

    TextRead(String channel) {
      this.channel = channel;
      this.grouping = new QueryGrouping(channel);
    }

    /** Collecting reached {@code segment}: a stream before it is done. */
    void reached(Segment segment) {
      if (last != null && last.tally() != segment.tally()) {
        last.tally().report(channel, last.stream());
      }
      last = segment;
    }

    void reportLast() {
      if (last != null) {
        last.tally().report(channel, last.stream());
      }
    }
  }

  /**
   * Fills one buffer with the streams of a channel back to back, each ending with a line feed, and
   * remembers where each stream begins.
   */
  private static final class Packer {
    byte[] buffer;
    int filled;
    private List<Segment> segments = new ArrayList<>();
    /** Line feeds in {@code buffer[0, counted)}: counted only when a stream starts inside a block. */
    private int counted;
    private long countedLines;

    Packer(byte[] buffer) {
      this.buffer = buffer;
    }

    void startStream(DataStream stream) {
      countedLines += countLineFeeds(buffer, counted, filled);
      counted = filled;
      segments.add(new Segment(stream, new StreamTally(), filled, countedLines, true));
    }

    /** Ends the stream with a line feed, so that the next one starts on a line of its own. */
    void endStream() {
      Segment last = segments.get(segments.size() - 1);
      if (last.start() == filled) {
        // nothing of the stream in this buffer: an empty file, or one that ended with the last cut
        segments.remove(segments.size() - 1);
      } else if (buffer[filled - 1] != '\n') {
        buffer[filled++] = '\n'; // there is room: a full buffer is cut before the stream's next read
      }
    }

    /** Hands out {@code buffer[0, cut)} and carries the rest over into {@code next}. */
    Cut cut(int cut, byte[] next) {
      List<Segment> inBlock = new ArrayList<>();
      List<Segment> carried = new ArrayList<>();
      for (Segment s : segments) {
        (s.start() < cut ? inBlock : carried).add(s);
      }
      Cut block = new Cut(buffer, cut, inBlock);
      List<Segment> rest = new ArrayList<>();
      if (carried.isEmpty() || carried.get(0).start() > cut) {
        // the stream being cut continues in the next block (at its end it adds nothing there)
        Segment open = inBlock.get(inBlock.size() - 1);
        rest.add(new Segment(open.stream(), open.tally(), 0, 0, false));
      }
      for (Segment s : carried) {
        rest.add(new Segment(s.stream(), s.tally(), s.start() - cut, 0, s.streamStart()));
      }
      if (next != null) {
        System.arraycopy(buffer, cut, next, 0, filled - cut);
      }
      buffer = next;
      filled -= cut;
      segments = rest;
      counted = 0;
      countedLines = 0;
      return block;
    }
  }

  private void submit(TextRead state, Cut cut, ExecutorService pool, BlockingQueue<byte[]> spare,
      Deque<PendingBlock> pending) {
    if (state.parser == null) {
      state.parser = parserFor(state.channel, cut);
      if (state.parser instanceof CsvParser csv) {
        state.features = csv.features() - (queryColumn != null ? 1 : 0);
      }
    }
    List<Segment> segments = cut.segments();
    long[] starts = new long[segments.size()];
    for (int i = 0; i < starts.length; i++) {
      starts[i] = segments.get(i).linesBefore() + 1;
    }
    TextBlock block = new TextBlock(cut.bytes(), cut.length(), starts, segments.get(0).streamStart());
    BlockParser chosen = state.parser == null ? EMPTY_LINES : state.parser;
    boolean pack = packDecimals && queryColumn == null && chosen instanceof CsvParser;
    pending.add(new PendingBlock(pool.submit(() -> {
      BlockParser.ParsedBlock parsed;
      try {
        parsed = chosen.parse(block);
      } finally {
        recycle(spare, block.bytes());
      }
      return pack && parsed.batch() != null ? new BlockParser.ParsedBlock(parsed.batch().packed(), parsed.lines(),
          parsed.counts()) : parsed;
    }), segments));
  }

  /** The binary path: one stream after another through the content type's record reader. */
  private ChannelData readRecords(String channel, List<DataStream> streams, long start) {
    List<Batch> batches = new ArrayList<>();
    QueryGrouping grouping = new QueryGrouping(channel);
    try {
      for (DataStream stream : streams) {
        long[] rowsBefore = {0};
        try {
          records.read(channel, stream, batch -> {
            long base = rowsBefore[0];
            if (queryColumn != null) {
              try {
                batch = queryColumn.extract(batch);
              } catch (DataFormatException d) {
                throw new UserError("channel '" + channel + "', file '" + stream.name() + "', row "
                    + (base + d.localLine()) + (d.column() > 0 ? ", column " + d.column() : "") + ": " + d.getMessage(), d);
              }
            }
            batch = kept(batch);
            batches.add(batch);
            grouping.accept(batch, (row, line) -> new QueryGrouping.Place(stream.name(), -(base + row + 1)));
            rowsBefore[0] += batch.rows();
          });
        } catch (MalformedStreamException e) {
          throw new UserError("channel '" + channel + "', file '" + stream.name() + "', " + e.getMessage(), e);
        } catch (IOException e) {
          throw new PlatformError("channel '" + channel + "', file '" + stream.name() + "': read failed: "
              + e.getMessage(), e);
        }
      }
      return finish(channel, streams, batches, 0, -1, start, grouping, records.featureNames());
    } catch (RuntimeException e) {
      batches.forEach(Batch::close);
      throw e;
    }
  }

  private ChannelData finish(String channel, List<DataStream> streams, List<Batch> batches, int features,
      long bytes, long start, QueryGrouping grouping, List<String> names) {
    batches.removeIf(b -> {
      if (b.rows() == 0) {
        b.close();
        return true;
      }
      return false;
    });
    if (batches.isEmpty()) {
      throw new UserError("channel '" + channel + "' is empty: its " + streams.size() + " file(s) ("
          + names(streams) + ") hold no rows");
    }
    boolean anyWeights = batches.stream().anyMatch(Batch::hasWeights);
    boolean anySparse = batches.stream().anyMatch(b -> !b.isDense());
    int denseWidth = -1;
    boolean mixedWidths = false;
    for (Batch b : batches) {
      if (b.isDense()) {
        mixedWidths |= denseWidth >= 0 && denseWidth != b.columns();
        denseWidth = b.columns();
      }
    }
    // One matrix takes one layout: dense rows of differing widths, or dense next to sparse
    // (RecordIO-protobuf records may be either), all become CSR.
    boolean toSparse = anySparse || mixedWidths;
    for (int i = 0; i < batches.size(); i++) {
      Batch b = batches.get(i);
      features = Math.max(features, b.columns());
      if (toSparse && b.isDense()) {
        Batch sparse = b.toSparse();
        b.close();
        batches.set(i, b = kept(sparse));
      }
      if (anyWeights && !b.hasWeights()) {
        batches.set(i, kept(b.withUnitWeights()));
      }
    }
    ChannelData data = new ChannelData(channel, batches, features, names.size() == features ? names : List.of(),
        grouping.groups());
    LOG.info(String.format("channel '%s': %d rows, %d features%s, %s from %d file(s)%s in %.2f s",
        channel, data.rows(), features, data.hasGroups() ? ", " + data.groups().length + " queries" : "",
        contentType.mimeType(), streams.size(),
        bytes < 0 ? "" : String.format(", %.1f MB", bytes / 1e6), (System.nanoTime() - start) / 1e9));
    long packed = batches.stream().filter(Batch::isPacked).count();
    if (packed > 0) {
      long held = batches.stream().mapToLong(Batch::valueBytes).sum();
      long floats = 4L * batches.stream().mapToLong(b -> (long) b.rows() * b.columns()).sum();
      LOG.info(String.format(java.util.Locale.ROOT, "channel '%s': feature values held in %.1f MiB as short decimals"
          + " (%d of %d batches packed; %.1f MiB as floats)", channel, held / 1048576.0, packed, batches.size(),
          floats / 1048576.0));
    }
    return data;
  }

  /**
   * How many text blocks may be parsed at once: two per parser thread, as many as a third of the
   * heap holds, and at least one.
   */
  static int blocksInFlight(int threads, int blockBytes, long maxHeap) {
    return (int) Math.max(1, Math.min(threads * 2L, maxHeap / 3 / blockBytes));
  }

  private byte[] take(BlockingQueue<byte[]> spare) {
    byte[] buffer = spare.poll();
    return buffer != null ? buffer : new byte[blockBytes];
  }

  private void recycle(BlockingQueue<byte[]> spare, byte[] buffer) {
    if (buffer.length == blockBytes) {
      spare.offer(buffer);
    }
  }

  /** The parser for the channel, from the block's first non-empty line; null when it has none. */
  private BlockParser parserFor(String channel, Cut cut) {
    if (contentType == ContentType.LIBSVM) {
      if (contentTypeDefaulted) {
        refuseCsv(channel, cut);
      }
      return new LibSvmParser();
    }
    byte[] buffer = cut.bytes();
    int[] first = firstLine(cut);
    if (first == null) {
      return null;
    }
    int lineStart = first[0];
    int contentEnd = first[1];
    DataStream stream = segmentAt(cut, lineStart).stream();
    // As the official image: the channel's first line decides the delimiter for all its files.
    CsvDialect dialect = CsvDialect.sniff(buffer, lineStart, contentEnd);
    int fields = dialect == null ? 1 : dialect.fields(buffer, lineStart, contentEnd);
    int minimum = csvWeights ? 3 : 2;
    if (fields < minimum) {
      throw new UserError("channel '" + channel + "', file '" + stream.name() + "': rows have " + fields
          + " column(s) but need at least " + minimum + " (label" + (csvWeights ? ", weight" : "")
          + " and one feature); " + (dialect == null
              ? "no delimiter (comma, tab, ';', '|', space or ':') found on the first line, perhaps you should "
                  + "check the channel's ContentType"
              : "fields split at " + dialect.describe() + ", perhaps you should check csv_weights and the "
                  + "channel's ContentType"));
    }
    LOG.info("channel '" + channel + "', file '" + stream.name() + "': CSV delimiter " + dialect.describe()
        + ", " + fields + " columns (from the first line)");
    CsvParser csv = new CsvParser(dialect, fields, true, csvWeights);
    if (queryColumn != null && queryColumn.feature() >= csv.features()) {
      throw new UserError("channel '" + channel + "', file '" + stream.name() + "': hyperparameter"
          + " 'query_column' is " + queryColumn.fileColumn() + " but the rows have " + fields + " columns");
    }
    return csv;
  }

  /**
   * Fails when the channel's first non-empty line is plainly CSV (a delimiter splits it into two or
   * more numbers, which no LibSVM line is), naming the missing ContentType.
   */
  private static void refuseCsv(String channel, Cut cut) {
    byte[] buffer = cut.bytes();
    int[] first = firstLine(cut);
    if (first == null) {
      return;
    }
    int lineStart = first[0];
    int contentEnd = first[1];
    CsvDialect dialect = CsvDialect.sniff(buffer, lineStart, contentEnd);
    if (dialect == null || !dialect.splitsIntoNumbers(buffer, lineStart, contentEnd)) {
      return;
    }
    Segment segment = segmentAt(cut, lineStart);
    long line = 1; // the line in the file, when this cut holds the file's start
    for (int i = segment.start(); i < lineStart; i++) {
      line += buffer[i] == '\n' ? 1 : 0;
    }
    throw new UserError("channel '" + channel + "', file '" + segment.stream().name() + "'"
        + (segment.streamStart() ? ", line " + line : "") + ": the data is CSV ("
        + dialect.fields(buffer, lineStart, contentEnd) + " numbers separated by " + dialect.describe()
        + "), but the channel has no ContentType and is read as LibSVM, the default; perhaps you should set "
        + "the channel's ContentType to text/csv (in inputdataconfig.json: {\"" + channel
        + "\": {\"ContentType\": \"text/csv\"}})");
  }

  /** The start and end (without {@code \r}) of the cut's first non-empty line; null when it has none. */
  private static int[] firstLine(Cut cut) {
    byte[] buffer = cut.bytes();
    int length = cut.length();
    int lineStart = 0;
    while (lineStart < length) {
      int lineEnd = lineStart;
      while (lineEnd < length && buffer[lineEnd] != '\n') {
        lineEnd++;
      }
      int contentEnd = lineEnd > lineStart && buffer[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
      if (contentEnd > lineStart) {
        return new int[] {lineStart, contentEnd};
      }
      lineStart = lineEnd + 1;
    }
    return null;
  }

  /** The segment (the file's part) of the cut that holds the byte at {@code position}. */
  private static Segment segmentAt(Cut cut, int position) {
    Segment segment = cut.segments().get(0);
    for (Segment s : cut.segments()) {
      if (s.start() <= position) {
        segment = s;
      }
    }
    return segment;
  }

  /**
   * Takes the next parsed block, in order: its batch, its query ids, and per stream in it the lines,
   * rows and cells to warn about.
   */
  private void collect(PendingBlock pending, TextRead state, List<Batch> batches) {
    String channel = state.channel;
    List<Segment> segments = pending.segments();
    int count = segments.size();
    // where each segment's lines and rows begin in its stream: 0 for a stream's start, else what
    // its earlier blocks held
    long[] lineBase = new long[count];
    long[] rowBase = new long[count];
    long[] linesBefore = new long[count];
    for (int i = 0; i < count; i++) {
      Segment s = segments.get(i);
      lineBase[i] = s.streamStart() ? 0 : s.tally().lines;
      rowBase[i] = s.streamStart() ? 0 : s.tally().rows;
      linesBefore[i] = s.linesBefore();
    }
    try {
      BlockParser.ParsedBlock parsed = pending.future().get();
      long[] lines = new long[count];
      for (int i = 0; i < count; i++) {
        lines[i] = (i + 1 < count ? segments.get(i + 1).linesBefore() : parsed.lines()) - segments.get(i).linesBefore();
      }
      TextBlock.Counts counts = parsed.counts();
      Batch batch = parsed.batch();
      if (batch != null) {
        // the batch row where each segment's rows begin
        long[] firstRow = new long[count + 1];
        for (int i = 0; i < count; i++) {
          firstRow[i + 1] = firstRow[i] + counts.rows(i);
        }
        QueryGrouping.Locator locator = (row, line) -> {
          if (line > 0) {
            int i = segmentOf(linesBefore, line - 1);
            return new QueryGrouping.Place(segments.get(i).stream().name(),
                lineBase[i] + line - segments.get(i).linesBefore());
          }
          int i = segmentOf(firstRow, row);
          long inSegment = row - firstRow[i];
          // without empty lines a segment's rows are its lines, so a row's line is known
          return new QueryGrouping.Place(segments.get(i).stream().name(), counts.rows(i) == lines[i]
              ? lineBase[i] + inSegment + 1 : -(rowBase[i] + inSegment + 1));
        };
        if (queryColumn != null && batch.isDense()) {
          try {
            batch = queryColumn.extract(batch);
          } catch (DataFormatException d) {
            QueryGrouping.Place place = locator.at((int) d.localLine() - 1, 0);
            throw new UserError("channel '" + channel + "', file '" + place.file() + "', "
                + (place.at() > 0 ? "line " + place.at() : "row " + -place.at())
                + (d.column() > 0 ? ", column " + d.column() : "") + ": " + d.getMessage(), d);
          }
        }
        batch = kept(batch);
        batches.add(batch);
        state.grouping.accept(batch, locator);
      }
      for (int i = 0; i < count; i++) {
        Segment s = segments.get(i);
        state.reached(s);
        s.tally().add(lines[i], counts, i, lineBase[i] - s.linesBefore());
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof DataFormatException d) {
        int i = segmentOf(linesBefore, d.localLine() - 1);
        String where = "channel '" + channel + "', file '" + segments.get(i).stream().name() + "', line "
            + (lineBase[i] + d.localLine() - segments.get(i).linesBefore())
            + (d.column() > 0 ? ", column " + d.column() : "");
        throw new UserError(where + ": " + d.getMessage(), d);
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformError("interrupted while reading channel '" + channel + "'", e);
    }
  }

  /**
   * The segment that holds {@code at}: the last whose first entry in {@code firsts} (ascending,
   * the first 0) is at most {@code at}, so a segment without rows is passed over to the next, which
   * shares its first row. A block may hold 100,000 segments: a binary search.
   */
  private static int segmentOf(long[] firsts, long at) {
    int low = 0;
    int high = firsts.length - 1;
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (firsts[mid] <= at) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

  /** What the blocks of one stream add up to: lines for error messages, rows, and what to warn about once. */
  private static final class StreamTally {
    long lines;
    long rows;
    long valueless;
    long firstValueless;
    long blocks;
    long quoted;

    /**
     * Adds segment {@code s} of a block, of {@code lines} lines; {@code lineShift} turns the
     * block's line numbers into the stream's.
     */
    void add(long lines, TextBlock.Counts counts, int s, long lineShift) {
      if (counts != null) {
        blocks++;
        if (counts.quoted(s)) {
          quoted++;
        }
        if (counts.valueless(s) > 0) {
          if (valueless == 0) {
            firstValueless = lineShift + counts.firstValueless(s);
          }
          valueless += counts.valueless(s);
        }
        rows += counts.rows(s);
      }
      this.lines += lines;
    }

    /** One warning per file, not one per cell: a file may hold many such cells. */
    void report(String channel, DataStream stream) {
      if (quoted > 0) {
        LOG.info("channel '" + channel + "', file '" + stream.name() + "': " + quoted + " of " + blocks
            + " block(s) had quoted fields and were read by commons-csv");
      }
      if (valueless > 0) {
        LOG.warning("channel '" + channel + "', file '" + stream.name() + "': " + valueless
            + (valueless == 1 ? " feature written 'index:' with no value (line " : " features written 'index:' with no value (first on line ")
            + firstValueless + ") read as missing; perhaps you should write the value or leave the pair out");
      }
    }
  }

  private static void closeQuietly(Future<BlockParser.ParsedBlock> future) {
    try {
      BlockParser.ParsedBlock parsed = future.get();
      if (parsed.batch() != null) {
        parsed.batch().close();
      }
    } catch (Exception ignored) {
      // the block failed or was cancelled: nothing was kept
    }
  }

  private static long countLineFeeds(byte[] buffer, int from, int to) {
    long count = 0;
    for (int i = from; i < to; i++) {
      if (buffer[i] == '\n') {
        count++;
      }
    }
    return count;
  }

  private static int lastLineFeed(byte[] buffer, int length) {
    for (int i = length - 1; i >= 0; i--) {
      if (buffer[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static String names(List<DataStream> streams) {
    List<String> names = streams.stream().limit(5).map(DataStream::name).toList();
    return String.join(", ", names) + (streams.size() > 5 ? ", ..." : "");
  }
}
