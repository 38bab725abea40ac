package io.github.xgbcontainer.data;

import ch.randelshofer.fastdoubleparser.JavaFloatParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * How a CSV channel separates its fields, found from its first non-empty line as the official image
 * finds it (Python's {@code csv.Sniffer} on the first line of the first file), among the delimiters
 * numeric data uses: the first of comma, tab, semicolon, pipe, space and colon that splits the line
 * into numbers, else the first of them the line holds. Python's sniffer would take any character
 * (for {@code 1.5|2.5} it answers {@code 5}); this one never takes a character of a number.
 *
 * @param delimiter the field separator
 */
record CsvDialect(byte delimiter) {

  /** Candidates in order of preference: Python's preferred delimiters, with the pipe before the space. */
  private static final byte[] CANDIDATES = {',', '\t', ';', '|', ' ', ':'};
  private static final CSVFormat[] FORMATS = new CSVFormat[CANDIDATES.length];
  static final CsvDialect COMMA = new CsvDialect((byte) ',');

  static {
    for (int i = 0; i < CANDIDATES.length; i++) {
      FORMATS[i] = CSVFormat.RFC4180.builder().setDelimiter((char) CANDIDATES[i]).setIgnoreSurroundingSpaces(true).get();
    }
  }

  CsvDialect {
    if (new String(CANDIDATES, StandardCharsets.US_ASCII).indexOf(delimiter) < 0) {
      throw new IllegalArgumentException("not a CSV delimiter: " + (char) delimiter);
    }
  }

  /**
   * The dialect of a line, or {@code null} when it holds none of the delimiters (one column).
   *
   * @param line the bytes; {@code [from, to)} is the line without its line ending
   */
  static CsvDialect sniff(byte[] line, int from, int to) {
    CsvDialect firstPresent = null;
    for (byte candidate : CANDIDATES) {
      if (indexOf(line, from, to, candidate) < 0) {
        continue;
      }
      CsvDialect dialect = new CsvDialect(candidate);
      if (firstPresent == null) {
        firstPresent = dialect;
      }
      if (dialect.splitsIntoNumbers(line, from, to)) {
        return dialect;
      }
    }
    return firstPresent;
  }

  /** The number of fields of a line, quoted fields read as one field each. */
  int fields(byte[] line, int from, int to) {
    if (indexOf(line, from, to, (byte) '"') >= 0) {
      try {
        List<String> values = record(new String(line, from, to - from, StandardCharsets.UTF_8));
        if (values != null) {
          return values.size();
        }
      } catch (UncheckedIOException e) {
        // an unterminated quote: count plainly, the parser names the line
      }
    }
    int fields = 1;
    for (int i = from; i < to; i++) {
      if (line[i] == delimiter) {
        fields++;
      }
    }
    return fields;
  }

  /** The fields of one line read by commons-csv (quotes removed, {@code ""} inside quotes a quote), or null for a line that is more than one record. */
  List<String> record(String line) {
    try (CSVParser parser = CSVParser.parse(line, format())) {
      List<CSVRecord> records = parser.getRecords();
      return records.size() == 1 ? records.get(0).toList() : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** commons-csv's view of this dialect: RFC 4180 quoting with this delimiter; spaces around a quoted field are allowed. */
  CSVFormat format() {
    return FORMATS[new String(CANDIDATES, StandardCharsets.US_ASCII).indexOf(delimiter)];
  }

  /** A name for messages: {@code ','}, {@code tab}, {@code space}. */
  String describe() {
    return switch (delimiter) {
      case '\t' -> "tab";
      case ' ' -> "space";
      default -> "'" + (char) delimiter + "'";
    };
  }

  boolean splitsIntoNumbers(byte[] line, int from, int to) {
    List<String> values;
    try {
      values = record(new String(line, from, to - from, StandardCharsets.UTF_8));
    } catch (UncheckedIOException e) {
      return false;
    }
    if (values == null || values.size() < 2) {
      return false;
    }
    for (String value : values) {
      String v = value.strip();
      if (!v.isEmpty()) {
        try {
          JavaFloatParser.parseFloat(v);
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, int from, int to, byte c) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
