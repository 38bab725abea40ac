package io.github.xgbcontainer.data;

/** Parses one block of lines of one content type into a batch. Implementations are thread-safe. */
interface BlockParser {

  /**
   * Parses every non-empty line of the block.
   *
   * @return the rows, or {@code null} when the block holds only empty lines
   * @throws DataFormatException at the first malformed line
   */
  ParsedBlock parse(TextBlock block) throws DataFormatException;

  /**
   * The result of one block.
   *
   * @param batch the rows, or {@code null} when there were none
   * @param lines the number of lines the block held, empty ones included
   * @param counts what each segment (stream) of the block held, or {@code null} when the parser
   *     counted nothing (a block of empty lines)
   */
  record ParsedBlock(Batch batch, long lines, TextBlock.Counts counts) {

    ParsedBlock(Batch batch, long lines) {
      this(batch, lines, null);
    }

    /** Whether the block had quoted CSV fields and went through the dialect parser. */
    boolean quoted() {
      return counts != null && counts.anyQuoted();
    }
  }

  /** Shortens a token for an error message. */
  static String snippet(byte[] bytes, int from, int to) {
    int end = Math.min(to, from + 40);
    String text = new String(bytes, from, end - from, java.nio.charset.StandardCharsets.UTF_8);
    return end < to ? text + "..." : text;
  }
}
