package io.github.xgbcontainer.data;

import io.github.xgbcontainer.error.UserError;

/**
 * Parses one inference request body (the {@code serve} command's CSV and LibSVM payloads) with
 * the same parsers that read training channels, into one batch. Inference rows carry no label:
 * a CSV row is features only, and a LibSVM row may start with a label placeholder or with its
 * first {@code index:value} pair, as the official image accepts.
 */
public final class PayloadParser {

  private PayloadParser() {}

  /**
   * Parses CSV rows of features, no header, no label column; the first non-empty line sets the
   * column count.
   *
   * @param body the payload; only {@code [0, length)} is read
   * @return a dense batch, or {@code null} when the payload holds no rows
   * @throws UserError naming the row (and column) of the first malformed line
   */
  public static Batch csv(byte[] body, int length) {
    int fields = firstLineFields(body, length);
    if (fields == 0) {
      return null;
    }
    return parse(new CsvParser(fields, false, false), body, length);
  }

  /**
   * Parses LibSVM rows ({@code [label] index:value ...}, indices zero-based as for training).
   *
   * @return a CSR batch, or {@code null} when the payload holds no rows
   * @throws UserError naming the row and token of the first malformed line
   */
  public static Batch libsvm(byte[] body, int length) {
    return parse(new LibSvmParser(true), body, length);
  }

  private static Batch parse(BlockParser parser, byte[] body, int length) {
    try {
      return parser.parse(new TextBlock(body, length, true)).batch();
    } catch (DataFormatException e) {
      String where = "row " + e.localLine() + (e.column() > 0 ? ", column " + e.column() : "");
      throw new UserError(where + ": " + e.getMessage());
    }
  }

  /** Fields on the first line that is not empty, 0 when every line is. */
  private static int firstLineFields(byte[] b, int length) {
    int pos = 0;
    while (pos < length) {
      int end = pos;
      while (end < length && b[end] != '\n') {
        end++;
      }
      int contentEnd = end > pos && b[end - 1] == '\r' ? end - 1 : end;
      if (contentEnd > pos) {
        int fields = 1;
        for (int i = pos; i < contentEnd; i++) {
          if (b[i] == ',') {
            fields++;
          }
        }
        return fields;
      }
      pos = end + 1;
    }
    return 0;
  }
}
