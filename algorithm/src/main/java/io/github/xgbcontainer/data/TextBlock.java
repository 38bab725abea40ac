package io.github.xgbcontainer.data;

/**
 * A run of whole lines from one stream, handed to a parser thread.
 *
 * @param bytes the buffer; only {@code [0, length)} is data
 * @param length how many bytes are data
 * @param firstInStream whether the block starts at the stream's first byte (line 1)
 */
record TextBlock(byte[] bytes, int length, boolean firstInStream) {

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
}
