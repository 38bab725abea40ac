package io.github.xgbcontainer.serve;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.config.ContentType;

/**
 * {@code serve}'s request parsers on arbitrary bytes, one target per content type (beside the
 * training parsers' targets in {@code fuzz.ParsersFuzzTest}; these live here because the reader is
 * package-private). A body gives rows or a {@link UserError}, the 400 kind; any other exception,
 * a hang, or an allocation far beyond the body fails. The rows that come back must be safe to hand
 * to XGBoost: every CSR index inside the width, dense values filling rows times columns, nothing
 * infinite.
 */
class RequestReaderFuzzTest {

  private static void readOrBadRequest(ContentType type, byte[] body) {
    Rows rows;
    try {
      rows = RequestReader.read(type, body);
    } catch (UserError expected) {
      return; // answered with a 400 naming what is wrong
    }
    if (rows == null) {
      return; // 204: no rows
    }
    if (rows.columns() < 0) {
      throw new AssertionError("negative width " + rows.columns());
    }
    if (rows.isDense()) {
      if ((long) rows.rows() * rows.columns() != rows.values().length) {
        throw new AssertionError(rows.values().length + " values for " + rows.rows() + " x " + rows.columns());
      }
    } else {
      for (int index : rows.indices()) {
        if (index < 0 || index >= rows.columns()) {
          throw new AssertionError("index " + index + " outside [0, " + rows.columns() + ")");
        }
      }
      if (rows.indptr()[rows.rows()] != rows.values().length) {
        throw new AssertionError("row pointers end at " + rows.indptr()[rows.rows()] + " of " + rows.values().length);
      }
    }
    for (float v : rows.values()) {
      if (Float.isInfinite(v)) {
        throw new AssertionError("an infinite value reached the rows");
      }
    }
    // a request's memory stays within a small multiple of its size
    long held = 4L * rows.values().length + (rows.isDense() ? 0 : 4L * rows.indices().length + 8L * rows.indptr().length);
    if (held > 16L * body.length + 64) {
      throw new AssertionError(held + " bytes of rows from a body of " + body.length);
    }
  }

  @FuzzTest(maxDuration = "10s")
  void csvRequest(byte[] body) {
    readOrBadRequest(ContentType.CSV, body);
  }

  @FuzzTest(maxDuration = "10s")
  void libsvmRequest(byte[] body) {
    readOrBadRequest(ContentType.LIBSVM, body);
  }

  @FuzzTest(maxDuration = "10s")
  void jsonRequest(byte[] body) {
    readOrBadRequest(ContentType.JSON, body);
  }

  @FuzzTest(maxDuration = "10s")
  void jsonLinesRequest(byte[] body) {
    readOrBadRequest(ContentType.JSON_LINES, body);
  }

  @FuzzTest(maxDuration = "10s")
  void recordIoProtobufRequest(byte[] body) {
    readOrBadRequest(ContentType.RECORDIO_PROTOBUF, body);
  }
}
