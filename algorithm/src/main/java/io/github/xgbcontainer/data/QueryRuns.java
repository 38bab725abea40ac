package io.github.xgbcontainer.data;

import java.util.Arrays;

/**
 * The query ids of one batch's rows (learning to rank), as runs: run {@code i} holds the rows from
 * {@code firstRows[i]} up to the next run's first row (or the batch's end), all with query id
 * {@code ids[i]}. Consecutive runs have different ids. An id of -1 marks rows without one: a block
 * packed from several files may hold files with query ids and files without, which
 * {@link QueryGrouping} refuses, naming both. Kept on the heap: one entry per query.
 *
 * @param ids the query id of each run
 * @param firstRows the batch row (from 0) where each run begins, ascending, the first 0
 * @param lines the 1-based line within the parsed block where each run begins (LibSVM), or
 *     {@code null} when the reader does not know lines (a query column taken from parsed rows)
 */
record QueryRuns(long[] ids, int[] firstRows, long[] lines) {

  QueryRuns {
    if (ids.length == 0 || ids.length != firstRows.length || (lines != null && lines.length != ids.length)
        || firstRows[0] != 0) {
      throw new IllegalArgumentException("query runs need one id, first row (the first 0) and line each");
    }
  }

  int count() {
    return ids.length;
  }

  /** Collects runs row by row, as a parser reads them. */
  static final class Builder {
    private long[] ids = new long[16];
    private int[] firstRows = new int[16];
    private long[] lines = new long[16];
    private int count;

    /** Records that {@code row}, on {@code line}, has query id {@code id}. */
    void row(int row, long id, long line) {
      if (count > 0 && ids[count - 1] == id) {
        return;
      }
      if (count == ids.length) {
        ids = Arrays.copyOf(ids, count * 2);
        firstRows = Arrays.copyOf(firstRows, count * 2);
        lines = Arrays.copyOf(lines, count * 2);
      }
      ids[count] = id;
      firstRows[count] = row;
      lines[count] = line;
      count++;
    }

    /** The runs, or {@code null} when no row had a query id (rows without one are a run of id -1). */
    QueryRuns build(boolean withLines) {
      if (count == 0 || (count == 1 && ids[0] < 0)) {
        return null;
      }
      return new QueryRuns(Arrays.copyOf(ids, count), Arrays.copyOf(firstRows, count),
          withLines ? Arrays.copyOf(lines, count) : null);
    }
  }
}
