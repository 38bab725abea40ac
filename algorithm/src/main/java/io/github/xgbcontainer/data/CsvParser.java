package io.github.xgbcontainer.data;

import java.nio.FloatBuffer;

/**
 * SageMaker's CSV: no header, the label in column 1, the instance weight in column 2 when
 * {@code csv_weights=1}, features after. An empty field is a missing value; {@code \r\n} endings
 * are accepted. Numbers are read as {@link NumberSyntax} says.
 */
final class CsvParser implements BlockParser {

  private final int fields;
  private final boolean labelled;
  private final boolean weighted;
  private final int features;

  /**
   * @param fields the number of comma-separated fields on every line
   * @param weighted whether the second field is the instance weight
   */
  CsvParser(int fields, boolean weighted) {
    this(fields, true, weighted);
  }

  /**
   * @param fields the number of comma-separated fields on every line
   * @param labelled whether the first field is the label (training data); inference payloads
   *     have none, and their labels are left 0
   * @param weighted whether the field after the label is the instance weight
   */
  CsvParser(int fields, boolean labelled, boolean weighted) {
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
    byte[] b = block.bytes();
    int end = block.length();
    int capacity = rowBound(b, end);
    OffHeapBuffer labelMem = new OffHeapBuffer(4L * capacity);
    OffHeapBuffer weightMem = weighted ? new OffHeapBuffer(4L * capacity) : null;
    OffHeapBuffer valueMem = new OffHeapBuffer(4L * capacity * features);
    try {
      FloatBuffer labels = labelMem.bytes().asFloatBuffer();
      FloatBuffer weights = weighted ? weightMem.bytes().asFloatBuffer() : null;
      FloatBuffer values = valueMem.bytes().asFloatBuffer();
      int rows = 0;
      long line = 0;
      long present = 0;
      int pos = 0;
      while (pos < end) {
        line++;
        int lineEnd = pos;
        while (lineEnd < end && b[lineEnd] != '\n') {
          lineEnd++;
        }
        int contentEnd = lineEnd;
        if (contentEnd > pos && b[contentEnd - 1] == '\r') {
          contentEnd--;
        }
        if (contentEnd > pos) {
          if (rows == capacity) {
            // past the bound only a line short of commas can come: it is ragged
            throw ragged(block, b, pos, contentEnd, line);
          }
          int base = rows * features;
          int field = 0;
          int start = pos;
          while (true) {
            int stop = start;
            while (stop < contentEnd && b[stop] != ',') {
              stop++;
            }
            if (field >= fields) {
              throw ragged(block, b, pos, contentEnd, line);
            }
            float v = number(block, b, start, stop, line, field, pos, contentEnd);
            if (labelled && field == 0) {
              if (Float.isNaN(v)) {
                throw new DataFormatException(line, 1, "the label is missing; every row needs a label in column 1");
              }
              labels.put(rows, v);
            } else if (weighted && field == (labelled ? 1 : 0)) {
              if (Float.isNaN(v) || v < 0) {
                throw new DataFormatException(line, 2, "instance weight '" + BlockParser.snippet(b, start, stop)
                    + "' is not a non-negative number (csv_weights=1 reads column 2 as the weight)");
              }
              weights.put(rows, v);
            } else {
              values.put(base + field - (fields - features), v);
              if (!Float.isNaN(v)) {
                present++;
              }
            }
            field++;
            if (stop >= contentEnd) {
              break;
            }
            start = stop + 1;
          }
          if (field != fields) {
            throw ragged(block, b, pos, contentEnd, line);
          }
          rows++;
        }
        pos = lineEnd + 1;
      }
      if (rows == 0) {
        labelMem.close();
        valueMem.close();
        if (weightMem != null) {
          weightMem.close();
        }
        return new ParsedBlock(null, line);
      }
      return new ParsedBlock(Batch.dense(rows, features, present, labelMem, weightMem, valueMem), line);
    } catch (DataFormatException | RuntimeException e) {
      labelMem.close();
      valueMem.close();
      if (weightMem != null) {
        weightMem.close();
      }
      throw e;
    }
  }

  /**
   * The most rows the block can hold that parse, to size the buffers by: no more than its
   * non-empty lines, and, as every row holds {@code fields - 1} commas, no more than its commas
   * divided by that. Sizing by line count alone let a wide first line and a run of blank lines
   * (or of one-field lines) ask for gigabytes from a few hundred kilobytes; this way the values
   * take at most about 8 bytes per byte of the block.
   */
  private int rowBound(byte[] b, int end) {
    long lines = 0;
    long commas = 0;
    int lineStart = 0;
    for (int i = 0; i < end; i++) {
      byte c = b[i];
      if (c == '\n') {
        if (i > lineStart && !(i - lineStart == 1 && b[lineStart] == '\r')) {
          lines++;
        }
        lineStart = i + 1;
      } else if (c == ',') {
        commas++;
      }
    }
    if (end > lineStart && !(end - lineStart == 1 && b[lineStart] == '\r')) {
      lines++;
    }
    long bound = fields > 1 ? Math.min(lines, commas / (fields - 1)) : lines;
    return (int) bound;
  }

  private float number(TextBlock block, byte[] b, int start, int stop, long line, int field,
      int lineStart, int lineEnd) throws DataFormatException {
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
      // Inference payloads are rows of features only: a word on the first line is a bad value there.
      if (labelled && block.firstInStream() && line == 1) {
        throw new DataFormatException(line, 0, "'" + BlockParser.snippet(b, lineStart, lineEnd)
            + "' looks like a header: remove it (CSV input has no header row"
            + (labelled ? "; the label is the first column)" : ")"));
      }
      throw new DataFormatException(line, field + 1, "'" + BlockParser.snippet(b, start, stop)
          + "' is not a number (leave the field empty for a missing value)");
    }
  }

  private DataFormatException ragged(TextBlock block, byte[] b, int lineStart, int lineEnd, long line) {
    int found = 1;
    for (int i = lineStart; i < lineEnd; i++) {
      if (b[i] == ',') {
        found++;
      }
    }
    return new DataFormatException(line, 0, "expected " + fields + " columns, found " + found
        + " (every row needs the same columns as the first row)");
  }
}
