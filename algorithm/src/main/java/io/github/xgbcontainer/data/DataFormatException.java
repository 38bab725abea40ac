package io.github.xgbcontainer.data;

/**
 * A parse failure inside one block. The line is counted from the block's start; the channel
 * reader, which knows how many lines came before, turns it into a user error with the line in the
 * file.
 */
final class DataFormatException extends Exception {

  private final long localLine;
  private final int column;

  /**
   * @param localLine the line within the block, from 1
   * @param column the 1-based column (CSV) or token (LibSVM) number, or 0 when the whole line is at fault
   * @param detail what is wrong and how to fix it
   */
  DataFormatException(long localLine, int column, String detail) {
    super(detail, null, false, false);
    this.localLine = localLine;
    this.column = column;
  }

  long localLine() {
    return localLine;
  }

  int column() {
    return column;
  }
}
