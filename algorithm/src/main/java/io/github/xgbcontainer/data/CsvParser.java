package io.github.xgbcontainer.data;

import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SageMaker's CSV: no header, the label in column 1, the instance weight in column 2 when
 * {@code csv_weights=1}, features after. An empty field is a missing value; {@code \r\n} endings
 * are accepted. Numbers are read as {@link NumberSyntax} says.
 *
 * <p>Two paths. Plain numeric CSV, whatever its {@link CsvDialect delimiter}, goes through a
 * byte scanner that never allocates per field. A block where a field does not parse and holds a
 * double quote ({@code 1,"2.5",3}) is parsed again, line by line, by commons-csv, which reads
 * RFC 4180 quoting; a quoted field must end on the line it starts. Plain files never reach it,
 * so the hot path costs what it did before dialects.
 */
final class CsvParser implements BlockParser {

  private final CsvDialect dialect;
  private final byte delimiter;
  private final int fields;
  private final boolean labelled;
  private final boolean weighted;
  private final int features;

  /**
   * Comma-separated data, labelled or not.
   *
   * @param fields the number of comma-separated fields on every line
   * @param labelled whether the first field is the label (training data, whose infinite feature
   *     values are refused, see {@link InfiniteFeature}); inference payloads have none, and their
   *     labels are left 0
   * @param weighted whether the field after the label is the instance weight
   */
  CsvParser(int fields, boolean labelled, boolean weighted) {
    this(CsvDialect.COMMA, fields, labelled, weighted);
  }

  /**
   * @param dialect the delimiter
   * @param fields the number of fields on every line
   * @param labelled whether the first field is the label
   * @param weighted whether the field after the label is the instance weight
   */
  CsvParser(CsvDialect dialect, int fields, boolean labelled, boolean weighted) {
    this.dialect = dialect;
    this.delimiter = dialect.delimiter();
    this.fields = fields;
    this.labelled = labelled;
    this.weighted = weighted;
    this.features = fields - (labelled ? 1 : 0) - (weighted ? 1 : 0);
  }

  int features() {
    return features;
  }

  @Override
  public ParsedBlock parse(TextBlock block) throws DataFormatException {
    try {
      return parse(block, false);
    } catch (QuotedField e) {
      return parse(block, true);
    }
  }

  /** Thrown by the plain path at a field with quotes: the block goes to commons-csv instead. */
  private static final class QuotedField extends RuntimeException {
    QuotedField() {
      super(null, null, false, false);
    }
  }

  private static final QuotedField QUOTED_FIELD = new QuotedField();

  private ParsedBlock parse(TextBlock block, boolean quoted) throws DataFormatException {
    byte[] b = block.bytes();
    int end = block.length();
    Rows out = new Rows(rowBound(b, end));
    TextBlock.Counts counts = new TextBlock.Counts(block);
    try {
      long line = 0;
      int pos = 0;
      while (pos < end) {
        line++;
        int lineEnd = ByteScanner.next(b, pos, end, (byte) '\n');
        int contentEnd = lineEnd;
        if (contentEnd > pos && b[contentEnd - 1] == '\r') {
          contentEnd--;
        }
        if (contentEnd > pos) {
          if (out.rows == out.capacity) {
            // Past the bound only a line short of delimiters can come, which cannot parse: read it
            // alone so that it fails with its own error (an unclosed quote, a ragged row).
            Rows alone = new Rows(1);
            try {
              row(block, b, pos, contentEnd, line, alone, quoted);
            } finally {
              alone.close();
            }
            throw ragged(line, countFields(b, pos, contentEnd));
          }
          if (quoted && hasQuote(b, pos, contentEnd)) {
            counts.quoted(line);
          }
          row(block, b, pos, contentEnd, line, out, quoted);
          out.endRow();
          counts.row(line);
        }
        pos = lineEnd + 1;
      }
      return out.finish(line, counts);
    } catch (DataFormatException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  private void row(TextBlock block, byte[] b, int lineStart, int contentEnd, long line, Rows out, boolean quoted)
      throws DataFormatException {
    if (quoted) {
      quotedRow(block, b, lineStart, contentEnd, line, out);
    } else {
      plainRow(block, b, lineStart, contentEnd, line, out);
    }
  }

  /** The hot path: fields split at the delimiter byte, parsed in place. */
  private void plainRow(TextBlock block, byte[] b, int lineStart, int contentEnd, long line, Rows out)
      throws DataFormatException {
    int field = 0;
    int start = lineStart;
    while (true) {
      if (field >= fields) {
        throw ragged(line, countFields(b, lineStart, contentEnd));
      }
      int stop;
      float v;
      long taken = NumberSyntax.shortDecimalField(b, start, contentEnd, delimiter);
      if (taken >= 0) {
        stop = (int) (taken >>> 32);
        v = Float.intBitsToFloat((int) taken);
      } else {
        stop = start;
        while (stop < contentEnd && b[stop] != delimiter) {
          stop++;
        }
        v = number(block, b, start, stop, line, field, b, lineStart, contentEnd, true);
      }
      out.put(field, v, line, b, start, stop);
      field++;
      if (stop >= contentEnd) {
        break;
      }
      start = stop + 1;
    }
    if (field != fields) {
      throw ragged(line, field);
    }
  }

  /** The dialect path: one line read by commons-csv, quotes removed. */
  private void quotedRow(TextBlock block, byte[] b, int lineStart, int contentEnd, long line, Rows out)
      throws DataFormatException {
    List<String> values;
    try {
      values = dialect.record(new String(b, lineStart, contentEnd - lineStart, StandardCharsets.UTF_8));
    } catch (UncheckedIOException e) {
      throw new DataFormatException(line, 0, "'" + BlockParser.snippet(b, lineStart, contentEnd)
          + "' has a quoted field that does not end on this line; perhaps you should close its quote");
    }
    if (values == null || values.size() != fields) {
      throw ragged(line, values == null ? countFields(b, lineStart, contentEnd) : values.size());
    }
    for (int field = 0; field < fields; field++) {
      byte[] value = values.get(field).getBytes(StandardCharsets.UTF_8);
      float v = number(block, value, 0, value.length, line, field, b, lineStart, contentEnd, false);
      out.put(field, v, line, value, 0, value.length);
    }
  }

  /** Where one block's rows go: labels, weights and values off the heap. */
  private final class Rows {
    final OffHeapBuffer labelMem;
    final OffHeapBuffer weightMem;
    final OffHeapBuffer valueMem;
    final FloatBuffer labels;
    final FloatBuffer weights;
    final FloatBuffer values;
    final int capacity;
    /** The current row's features, copied to {@link #values} in one bulk put at its end. */
    final float[] row = new float[features];
    int rows;
    long present;

    Rows(int capacity) {
      this.capacity = capacity;
      labelMem = new OffHeapBuffer(4L * capacity);
      weightMem = weighted ? new OffHeapBuffer(4L * capacity) : null;
      valueMem = new OffHeapBuffer(4L * capacity * features);
      labels = labelMem.bytes().asFloatBuffer();
      weights = weighted ? weightMem.bytes().asFloatBuffer() : null;
      values = valueMem.bytes().asFloatBuffer();
    }

    /** Stores field {@code field} of the current row; {@code raw} is its text, for messages. */
    void put(int field, float v, long line, byte[] raw, int start, int stop) throws DataFormatException {
      if (labelled && field == 0) {
        if (Float.isNaN(v)) {
          throw new DataFormatException(line, 1, "the label is missing; every row needs a label in column 1");
        }
        if (Float.isInfinite(v)) {
          throw new DataFormatException(line, 1, "the label '" + BlockParser.snippet(raw, start, stop).strip()
              + "' is not a finite number; every row needs a finite label in column 1");
        }
        labels.put(rows, v);
      } else if (weighted && field == (labelled ? 1 : 0)) {
        if (!(v >= 0 && v < Float.POSITIVE_INFINITY)) {
          throw new DataFormatException(line, 2, "instance weight '" + BlockParser.snippet(raw, start, stop)
              + "' is not a finite non-negative number (csv_weights=1 reads column 2 as the weight)");
        }
        weights.put(rows, v);
      } else {
        row[field - (fields - features)] = v;
        // v - v is 0 for a finite value and NaN otherwise: one test for both, as before the check
        if (v - v == 0) {
          present++;
        } else if (!Float.isNaN(v)) {
          if (labelled) {
            throw infinite(line, field, raw, start, stop);
          }
          present++;
        }
      }
    }

    /** Training data: XGBoost would refuse the matrix later, without naming the line. */
    private DataFormatException infinite(long line, int field, byte[] raw, int start, int stop) {
      while (start < stop && (raw[start] == ' ' || raw[start] == '\t')) {
        start++;
      }
      while (stop > start && (raw[stop - 1] == ' ' || raw[stop - 1] == '\t')) {
        stop--;
      }
      return new DataFormatException(line, field + 1, InfiniteFeature.refusal(
          "the value '" + BlockParser.snippet(raw, start, stop) + "'", !InfiniteFeature.writtenAsWord(raw, start, stop),
          "leave the field empty for a missing value or write a finite number"));
    }

    /** Ends the current row: its features go to the direct buffer in one bulk copy. */
    void endRow() {
      values.put(rows * features, row, 0, features);
      rows++;
    }

    ParsedBlock finish(long lines, TextBlock.Counts counts) {
      if (rows == 0) {
        close();
        return new ParsedBlock(null, lines, counts);
      }
      return new ParsedBlock(Batch.dense(rows, features, present, labelMem, weightMem, valueMem), lines, counts);
    }

    void close() {
      labelMem.close();
      valueMem.close();
      if (weightMem != null) {
        weightMem.close();
      }
    }
  }

  /**
   * The most rows the block can hold that parse, to size the buffers by: no more than its lines,
   * and, as every row holds {@code fields - 1} delimiters (more where a quoted field holds one), no
   * more than its delimiters divided by that; with one field, no more than one row per two bytes.
   * Sizing by line count alone let a wide first line and a run of blank lines (or of one-field
   * lines) ask for gigabytes from a few hundred kilobytes; this way the values take at most about 8
   * bytes per byte of the block. Both are counted eight bytes at a time ({@link ByteScanner}): a
   * byte loop counting them took a fifth of the parser's time.
   */
  private int rowBound(byte[] b, int end) {
    long lines = ByteScanner.count(b, end, (byte) '\n') + 1;
    long bound = fields > 1 ? Math.min(lines, ByteScanner.count(b, end, delimiter) / (fields - 1))
        : Math.min(lines, (end + 1L) / 2);
    return (int) bound;
  }

  /**
   * Parses {@code b[start, stop)}, spaces and tabs around it ignored; empty is missing.
   *
   * @param lineBytes the line the field is from, {@code [lineStart, lineEnd)}, for messages
   * @param plain whether a field with a double quote should send the block to commons-csv
   */
  private float number(TextBlock block, byte[] b, int start, int stop, long line, int field,
      byte[] lineBytes, int lineStart, int lineEnd, boolean plain) throws DataFormatException {
    while (start < stop && (b[start] == ' ' || b[start] == '\t')) {
      start++;
    }
    while (stop > start && (b[stop - 1] == ' ' || b[stop - 1] == '\t')) {
      stop--;
    }
    if (start == stop) {
      return Float.NaN;
    }
    try {
      return NumberSyntax.parseFloat(b, start, stop);
    } catch (NumberFormatException e) {
      if (plain && hasQuote(lineBytes, lineStart, lineEnd)) {
        throw QUOTED_FIELD;
      }
      // Inference payloads are rows of features only: a word on the first line is a bad value there.
      if (labelled && block.startsStream(line)) {
        throw new DataFormatException(line, 0, "'" + BlockParser.snippet(lineBytes, lineStart, lineEnd)
            + "' looks like a header: remove it (CSV input has no header row"
            + (labelled ? "; the label is the first column)" : ")"));
      }
      throw new DataFormatException(line, field + 1, "'" + BlockParser.snippet(b, start, stop)
          + "' is not a number (leave the field empty for a missing value)");
    }
  }

  private static boolean hasQuote(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '"') {
        return true;
      }
    }
    return false;
  }

  private int countFields(byte[] b, int lineStart, int lineEnd) {
    return dialect.fields(b, lineStart, lineEnd);
  }

  private DataFormatException ragged(long line, int found) {
    return new DataFormatException(line, 0, "expected " + fields + " columns, found " + found
        + " (every row needs the same columns as the first row)");
  }
}
