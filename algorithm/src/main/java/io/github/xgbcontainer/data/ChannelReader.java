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
  static final int DEFAULT_BLOCK_BYTES = Integer.getInteger("xgbc.blockBytes", 4 << 20);

  private final ContentType contentType;
  private final boolean csvWeights;
  private final int threads;
  private final int blockBytes;
  private final RecordReader records;
  private final QueryColumn queryColumn;

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
    this(contentType, csvWeights, threads, blockBytes, records, null);
  }

  private ChannelReader(ContentType contentType, boolean csvWeights, int threads, int blockBytes,
      RecordReader records, QueryColumn queryColumn) {
    if (contentType.isText() == (records != null)) {
      throw new IllegalArgumentException(contentType + (records == null ? " needs a record reader" : " is text"));
    }
    this.contentType = contentType;
    this.csvWeights = csvWeights;
    this.threads = Math.max(1, threads);
    this.blockBytes = blockBytes;
    this.records = records;
    this.queryColumn = queryColumn;
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
        new QueryColumn(fileColumn - leading - 1, fileColumn));
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
    // Text blocks are recycled: a channel of any size keeps the Java heap at a few blocks.
    BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(threads * 2 + 3);
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "parse-" + channel);
      t.setDaemon(true);
      return t;
    });
    try {
      BlockParser parser = null;
      int features = 0;
      long bytes = 0;
      QueryGrouping grouping = new QueryGrouping(channel);
      for (DataStream stream : streams) {
        Deque<Future<BlockParser.ParsedBlock>> pending = new ArrayDeque<>();
        StreamTally tally = new StreamTally();
        try (InputStream in = stream.open()) {
          byte[] buffer = take(spare);
          int filled = 0;
          boolean first = true;
          boolean eof = false;
          while (!eof) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
              eof = true;
            } else {
              filled += n;
              bytes += n;
              if (filled < buffer.length) {
                continue;
              }
            }
            int cut = eof ? filled : lastLineFeed(buffer, filled) + 1;
            if (cut == 0) {
              if (eof) {
                break;
              }
              buffer = Arrays.copyOf(buffer, buffer.length * 2);
              continue;
            }
            if (parser == null) {
              parser = parserFor(channel, stream, buffer, cut);
              if (parser == null) {
                // only empty lines so far: skip them, keeping the count for line numbers
                tally.lines += new TextBlock(buffer, cut, first).lineFeeds();
                System.arraycopy(buffer, cut, buffer, 0, filled - cut);
                filled -= cut;
                continue;
              }
              if (parser instanceof CsvParser csv) {
                features = csv.features();
                if (queryColumn != null) {
                  if (queryColumn.feature() >= features) {
                    throw new UserError("channel '" + channel + "', file '" + stream.name() + "': hyperparameter"
                        + " 'query_column' is " + queryColumn.fileColumn() + " but the rows have "
                        + (features + queryColumn.fileColumn() - queryColumn.feature() - 1) + " columns");
                  }
                  features--;
                }
              }
            }
            byte[] next = filled - cut > blockBytes ? new byte[buffer.length] : take(spare);
            System.arraycopy(buffer, cut, next, 0, filled - cut);
            TextBlock block = new TextBlock(buffer, cut, first);
            BlockParser chosen = parser;
            pending.add(pool.submit(() -> {
              try {
                return chosen.parse(block);
              } finally {
                recycle(spare, block.bytes());
              }
            }));
            first = false;
            buffer = next;
            filled -= cut;
            while (pending.size() > threads * 2) {
              collect(pending.removeFirst(), channel, stream, tally, batches, grouping);
            }
          }
          while (!pending.isEmpty()) {
            collect(pending.removeFirst(), channel, stream, tally, batches, grouping);
          }
          tally.report(channel, stream);
        } catch (MalformedStreamException e) {
          throw new UserError("channel '" + channel + "', file '" + stream.name() + "', " + e.getMessage(), e);
        } catch (IOException e) {
          throw new PlatformError("channel '" + channel + "', file '" + stream.name() + "': read failed: "
              + e.getMessage(), e);
        } finally {
          for (Future<BlockParser.ParsedBlock> f : pending) {
            f.cancel(true);
            closeQuietly(f);
          }
        }
      }
      return finish(channel, streams, batches, features, bytes, start, grouping, List.of());
    } catch (RuntimeException e) {
      batches.forEach(Batch::close);
      throw e;
    } finally {
      pool.shutdownNow();
    }
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
            batches.add(batch);
            grouping.accept(batch, stream.name(), (row, line) -> -(base + row + 1));
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
        batches.set(i, b = sparse);
      }
      if (anyWeights && !b.hasWeights()) {
        batches.set(i, b.withUnitWeights());
      }
    }
    ChannelData data = new ChannelData(channel, batches, features, names.size() == features ? names : List.of(),
        grouping.groups());
    LOG.info(String.format("channel '%s': %d rows, %d features%s, %s from %d file(s)%s in %.2f s",
        channel, data.rows(), features, data.hasGroups() ? ", " + data.groups().length + " queries" : "",
        contentType.mimeType(), streams.size(),
        bytes < 0 ? "" : String.format(", %.1f MB", bytes / 1e6), (System.nanoTime() - start) / 1e9));
    return data;
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

  private BlockParser parserFor(String channel, DataStream stream, byte[] buffer, int length) {
    if (contentType == ContentType.LIBSVM) {
      return new LibSvmParser();
    }
    int lineStart = 0;
    while (lineStart < length) {
      int lineEnd = lineStart;
      while (lineEnd < length && buffer[lineEnd] != '\n') {
        lineEnd++;
      }
      int contentEnd = lineEnd > lineStart && buffer[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
      if (contentEnd > lineStart) {
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
        return new CsvParser(dialect, fields, true, csvWeights);
      }
      lineStart = lineEnd + 1;
    }
    return null;
  }

  /** Takes the next parsed block of a stream, in order: its batch, its query ids, its lines. */
  private void collect(Future<BlockParser.ParsedBlock> future, String channel, DataStream stream, StreamTally tally,
      List<Batch> batches, QueryGrouping grouping) {
    try {
      BlockParser.ParsedBlock parsed = future.get();
      Batch batch = parsed.batch();
      if (batch != null) {
        long lineBase = tally.lines;
        long rowBase = tally.rows;
        // without empty lines a block's rows are its lines, so a row's line is known
        boolean rowsAreLines = parsed.lines() == batch.rows();
        QueryGrouping.Locator locator = (row, line) -> line > 0 ? lineBase + line
            : rowsAreLines ? lineBase + row + 1 : -(rowBase + row + 1);
        if (queryColumn != null && batch.isDense()) {
          try {
            batch = queryColumn.extract(batch);
          } catch (DataFormatException d) {
            long place = locator.at((int) d.localLine() - 1, 0);
            throw new UserError("channel '" + channel + "', file '" + stream.name() + "', "
                + (place > 0 ? "line " + place : "row " + -place) + (d.column() > 0 ? ", column " + d.column() : "")
                + ": " + d.getMessage(), d);
          }
        }
        batches.add(batch);
        grouping.accept(batch, stream.name(), locator);
        tally.rows += batch.rows();
      }
      tally.add(parsed);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof DataFormatException d) {
        String where = "channel '" + channel + "', file '" + stream.name() + "', line "
            + (tally.lines + d.localLine()) + (d.column() > 0 ? ", column " + d.column() : "");
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

  /** What the blocks of one stream add up to: lines for error messages, rows, and what to warn about once. */
  private static final class StreamTally {
    long lines;
    long rows;
    long valueless;
    long firstValueless;
    long blocks;
    long quoted;

    void add(BlockParser.ParsedBlock parsed) {
      blocks++;
      if (parsed.quoted()) {
        quoted++;
      }
      if (parsed.valueless() > 0) {
        if (valueless == 0) {
          firstValueless = lines + parsed.firstValueless();
        }
        valueless += parsed.valueless();
      }
      lines += parsed.lines();
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
