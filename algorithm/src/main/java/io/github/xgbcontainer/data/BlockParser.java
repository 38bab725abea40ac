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
   * @param valueless LibSVM pairs written {@code index:} with no value, read as missing values
   * @param firstValueless the block's line (from 1) of the first such pair, 0 when there is none
   * @param quoted whether the block had quoted CSV fields and went through the dialect parser
   */
  record ParsedBlock(Batch batch, long lines, long valueless, long firstValueless, boolean quoted) {

    ParsedBlock(Batch batch, long lines) {
      this(batch, lines, 0, 0, false);
    }
  }

  /** Shortens a token for an error message. */
  static String snippet(byte[] bytes, int from, int to) {
    int end = Math.min(to, from + 40);
    String text = new String(bytes, from, end - from, java.nio.charset.StandardCharsets.UTF_8);
    return end < to ? text + "..." : text;
  }
}
