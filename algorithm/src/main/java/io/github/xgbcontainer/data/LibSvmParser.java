package io.github.xgbcontainer.data;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * LibSVM text: {@code label[:weight] [qid:id] index:value ...}, separated by spaces or tabs.
 * Indices are taken as written (zero-based, as the official image reads them) and need not be
 * sorted; a {@code #} starts a comment. {@code qid:} right after the label gives the row's query
 * for learning to rank, as in XGBoost's own LibSVM reader: either every row has one or none does.
 * A pair without a value ({@code 8:}) is a missing value.
 */
final class LibSvmParser implements BlockParser {

  private final boolean labelOptional;

  /** Training data: every line starts with {@code label[:weight]}. */
  LibSvmParser() {
    this(false);
  }

  /**
   * @param labelOptional whether a line may start with its first {@code index:value} pair, as
   *     inference payloads do (a leading token without a colon is then a label placeholder, and
   *     a first token with one is a feature, not {@code label:weight}); training data, whose
   *     labels are not optional, has its infinite values refused (see {@link InfiniteFeature})
   */
  LibSvmParser(boolean labelOptional) {
    this.labelOptional = labelOptional;
  }

  @Override
  public ParsedBlock parse(TextBlock block) throws DataFormatException {
    byte[] b = block.bytes();
    int end = block.length();
    int rowCapacity = rowBound(b, end);
    long entryCapacity = block.count((byte) ':');
    OffHeapBuffer labelMem = new OffHeapBuffer(4L * rowCapacity);
    OffHeapBuffer weightMem = new OffHeapBuffer(4L * rowCapacity);
    OffHeapBuffer ptrMem = new OffHeapBuffer(8L * (rowCapacity + 1));
    OffHeapBuffer idxMem = new OffHeapBuffer(4L * Math.max(1, entryCapacity));
    OffHeapBuffer valMem = new OffHeapBuffer(4L * Math.max(1, entryCapacity));
    boolean keepWeights = false;
    try {
      FloatBuffer labels = labelMem.bytes().asFloatBuffer();
      FloatBuffer weights = weightMem.bytes().asFloatBuffer();
      LongBuffer indptr = ptrMem.bytes().asLongBuffer();
      IntBuffer indices = idxMem.bytes().asIntBuffer();
      FloatBuffer values = valMem.bytes().asFloatBuffer();
      int rows = 0;
      int nnz = 0;
      int maxIndex = -1;
      TextBlock.Counts counts = new TextBlock.Counts(block);
      long line = 0;
      int pos = 0;
      indptr.put(0, 0);
      QueryRuns.Builder queries = new QueryRuns.Builder();
      int withQuery = 0; // rows of this block so far: 1 all with qid, -1 all without, 0 none yet
      long streamLine = 1; // the block line where the current stream's part of the block begins
      while (pos < end) {
        line++;
        if (block.startsStream(line)) {
          // a query may continue into the next file, but whether rows have ids is each file's
          // own: a file that differs from the one before is refused, naming both, by QueryGrouping
          withQuery = 0;
          streamLine = line;
        }
        int lineEnd = pos;
        while (lineEnd < end && b[lineEnd] != '\n') {
          lineEnd++;
        }
        int contentEnd = pos;
        while (contentEnd < lineEnd && b[contentEnd] != '#') {
          contentEnd++;
        }
        int token = 0;
        int p = pos;
        long queryId = -1;
        while (true) {
          while (p < contentEnd && isSpace(b[p])) {
            p++;
          }
          if (p >= contentEnd) {
            break;
          }
          int start = p;
          int colon = -1;
          while (p < contentEnd && !isSpace(b[p])) {
            if (b[p] == ':' && colon < 0) {
              colon = p;
            }
            p++;
          }
          token++;
          if (token == 1 && !(labelOptional && colon >= 0)) {
            int labelEnd = colon < 0 ? p : colon;
            float label = parse(b, start, labelEnd, line, token, "label");
            if (Float.isInfinite(label)) {
              throw new DataFormatException(line, token, "the label '" + BlockParser.snippet(b, start, labelEnd)
                  + "' is not a finite number; every line needs a finite label first");
            }
            labels.put(rows, label);
            if (colon >= 0) {
              float w = parse(b, colon + 1, p, line, token, "instance weight");
              if (w < 0) {
                throw new DataFormatException(line, token, "instance weight '"
                    + BlockParser.snippet(b, colon + 1, p) + "' is negative");
              }
              if (!(w < Float.POSITIVE_INFINITY)) {
                throw new DataFormatException(line, token, "instance weight '"
                    + BlockParser.snippet(b, colon + 1, p) + "' is not a finite number");
              }
              weights.put(rows, w);
              keepWeights = true;
            } else {
              weights.put(rows, 1f);
            }
            continue;
          }
          if (colon < 0) {
            throw new DataFormatException(line, token, "'" + BlockParser.snippet(b, start, p)
                + "' is not an index:value pair");
          }
          if (colon - start == 3 && b[start] == 'q' && b[start + 1] == 'i' && b[start + 2] == 'd') {
            if (token != 2 && !(labelOptional && token == 1)) {
              throw new DataFormatException(line, token, "the query id ('qid:') must come right after the label");
            }
            queryId = queryId(b, colon + 1, p, line, token);
            continue;
          }
          int index = index(b, start, colon, line, token);
          if (index > maxIndex) {
            maxIndex = index;
          }
          if (colon + 1 == p) {
            // 'index:' with no value (one row of the official abalone-multiclass sample): the
            // cell is missing, so it is left out of the row; the reader warns once per file.
            counts.valueless(line);
            continue;
          }
          float value = parse(b, colon + 1, p, line, token, "value");
          if (Float.isInfinite(value) && !labelOptional) {
            // training data: XGBoost would refuse the matrix later, without naming the line
            throw new DataFormatException(line, token, InfiniteFeature.refusal(
                "the value '" + BlockParser.snippet(b, colon + 1, p) + "'", !InfiniteFeature.writtenAsWord(b, colon + 1, p),
                "leave the pair out for a missing value or write a finite number"));
          }
          indices.put(nnz, index);
          values.put(nnz, value);
          nnz++;
        }
        if (token > 0 && !labelOptional) {
          // (an inference payload may carry a qid too; it plays no part in a prediction)
          int has = queryId >= 0 ? 1 : -1;
          if (withQuery != 0 && withQuery != has) {
            throw new DataFormatException(line, 0, has > 0
                ? "this row has a query id ('qid:') but the rows before it have none; every row needs one, or none"
                : "this row has no query id ('qid:') but the rows before it have one; every row needs one, or none");
          }
          withQuery = has;
          // rows without an id are a run of id -1, placed where their file's part of the block
          // begins (as a whole block without ids is): the batch may hold files with ids and without
          queries.row(rows, has > 0 ? queryId : -1, has > 0 ? line : streamLine);
        }
        if (token > 0) {
          counts.row(line);
          rows++;
          indptr.put(rows, nnz);
        }
        pos = lineEnd + 1;
      }
      if (rows == 0) {
        closeAll(labelMem, weightMem, ptrMem, idxMem, valMem);
        return new ParsedBlock(null, line, counts);
      }
      if (!keepWeights) {
        weightMem.close();
      }
      Batch batch = Batch.sparse(rows, maxIndex + 1, labelMem, keepWeights ? weightMem : null,
          valMem, ptrMem, idxMem).withQueries(queries.build(true));
      return new ParsedBlock(batch, line, counts);
    } catch (DataFormatException | RuntimeException e) {
      closeAll(labelMem, weightMem, ptrMem, idxMem, valMem);
      throw e;
    }
  }

  /**
   * The lines that hold a token (a row each), to size the row buffers by: blank and comment-only
   * lines take none, so a run of them cannot ask for more memory than the rows they do not make.
   */
  private static int rowBound(byte[] b, int end) {
    int lines = 0;
    boolean token = false;
    boolean comment = false;
    for (int i = 0; i < end; i++) {
      byte c = b[i];
      if (c == '\n') {
        lines += token ? 1 : 0;
        token = false;
        comment = false;
      } else if (c == '#') {
        comment = true;
      } else if (!comment && !isSpace(c)) {
        token = true;
      }
    }
    return lines + (token ? 1 : 0);
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\r';
  }

  private static float parse(byte[] b, int start, int stop, long line, int token, String what)
      throws DataFormatException {
    if (start == stop) {
      throw new DataFormatException(line, token, "the " + what + " is empty");
    }
    try {
      float v = NumberSyntax.parseFloat(b, start, stop);
      if (Float.isNaN(v) && what.equals("label")) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new DataFormatException(line, token, "the " + what + " '" + BlockParser.snippet(b, start, stop)
          + "' is not a number");
    }
  }

  private static long queryId(byte[] b, int start, int stop, long line, int token) throws DataFormatException {
    long value = 0;
    boolean ok = start < stop && stop - start <= 18;
    for (int i = start; ok && i < stop; i++) {
      int d = b[i] - '0';
      ok = d >= 0 && d <= 9;
      value = value * 10 + d;
    }
    if (!ok) {
      throw new DataFormatException(line, token, "the query id '" + BlockParser.snippet(b, start, stop)
          + "' is not a non-negative integer");
    }
    return value;
  }

  private static int index(byte[] b, int start, int stop, long line, int token) throws DataFormatException {
    if (start == stop) {
      throw badIndex(b, start, stop, line, token);
    }
    long value = 0;
    for (int i = start; i < stop; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw badIndex(b, start, stop, line, token);
      }
      value = Math.min(value * 10 + d, Integer.MAX_VALUE); // saturates: no overflow on long digit runs
    }
    // XGBoost's CSR indices are int32, and the width (largest index + 1) must be one too
    if (value > Integer.MAX_VALUE - 1) {
      throw new DataFormatException(line, token, "feature index '" + BlockParser.snippet(b, start, stop)
          + "' is over the largest index " + (Integer.MAX_VALUE - 1));
    }
    return (int) value;
  }

  private static DataFormatException badIndex(byte[] b, int start, int stop, long line, int token) {
    return new DataFormatException(line, token, "feature index '" + BlockParser.snippet(b, start, stop)
        + "' is not a non-negative integer");
  }

  private static void closeAll(OffHeapBuffer... buffers) {
    for (OffHeapBuffer buffer : buffers) {
      buffer.close();
    }
  }
}
