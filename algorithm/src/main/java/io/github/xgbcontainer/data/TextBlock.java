package io.github.xgbcontainer.data;

import java.util.Arrays;

/**
 * A run of whole lines from one or more streams, back to back, handed to a parser thread. A
 * channel of many small files packs them into shared blocks, so the block is cut into segments:
 * segment {@code i} holds the block's lines from {@code starts[i]} up to the next segment's first
 * line, all of one stream.
 *
 * @param bytes the buffer; only {@code [0, length)} is data
 * @param length how many bytes are data
 * @param starts the block line (from 1) where each segment begins, ascending, the first 1
 * @param firstStartsStream whether the first segment starts at its stream's first byte; every
 *     later segment does, the first may continue the stream of the block before
 */
record TextBlock(byte[] bytes, int length, long[] starts, boolean firstStartsStream) {

  TextBlock {
    if (starts.length == 0 || starts[0] != 1) {
      throw new IllegalArgumentException("a block's first segment begins on its line 1");
    }
  }

  /** A block of one stream, starting at that stream's first byte or not. */
  TextBlock(byte[] bytes, int length, boolean firstInStream) {
    this(bytes, length, new long[] {1}, firstInStream);
  }

  /** Whether the block's {@code line} (from 1) is the first line of a stream, where a header would be. */
  boolean startsStream(long line) {
    int at = Arrays.binarySearch(starts, line);
    return at > 0 || (at == 0 && firstStartsStream);
  }

  /** Counts line feeds: an upper bound on the rows in the block, less one when the last line has none. */
  int lineFeeds() {
    int count = 0;
    for (int i = 0; i < length; i++) {
      if (bytes[i] == '\n') {
        count++;
      }
    }
    return count;
  }

  /** Counts bytes equal to {@code b}. */
  int count(byte b) {
    int count = 0;
    for (int i = 0; i < length; i++) {
      if (bytes[i] == b) {
        count++;
      }
    }
    return count;
  }

  /**
   * What a parser saw in each segment, so that the reader can count per file: rows, LibSVM
   * {@code index:} cells with no value, lines with quotes. The parser reports lines in ascending
   * order, so finding a line's segment is a step forward, not a search.
   */
  static final class Counts {
    private final long[] starts;
    private final long[] rows;
    private final long[] valueless;
    private final long[] firstValueless;
    private final boolean[] quoted;
    private int at;

    Counts(TextBlock block) {
      starts = block.starts();
      rows = new long[starts.length];
      valueless = new long[starts.length];
      firstValueless = new long[starts.length];
      quoted = new boolean[starts.length];
    }

    private int segment(long line) {
      while (at + 1 < starts.length && starts[at + 1] <= line) {
        at++;
      }
      return at;
    }

    void row(long line) {
      rows[segment(line)]++;
    }

    void valueless(long line) {
      int s = segment(line);
      if (valueless[s]++ == 0) {
        firstValueless[s] = line;
      }
    }

    void quoted(long line) {
      quoted[segment(line)] = true;
    }

    /** Rows of segment {@code s}. */
    long rows(int s) {
      return rows[s];
    }

    long valueless(int s) {
      return valueless[s];
    }

    /** The block line (from 1) of segment {@code s}'s first valueless cell, 0 when there is none. */
    long firstValueless(int s) {
      return firstValueless[s];
    }

    boolean quoted(int s) {
      return quoted[s];
    }

    boolean anyQuoted() {
      for (boolean q : quoted) {
        if (q) {
          return true;
        }
      }
      return false;
    }
  }
}
