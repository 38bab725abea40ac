package io.github.xgbcontainer.data;

import io.github.xgbcontainer.error.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the query ids of a channel's batches, in channel order, into XGBoost's query groups (the
 * sizes of consecutive runs of rows of one query). A query's rows must be contiguous: XGBoost
 * takes each run as one query, so a query id that comes back after other queries would silently
 * become a second query; it is refused, naming where it comes back and where it began. A query
 * may continue from one file into the next.
 */
final class QueryGrouping {

  /** Where a batch's rows are, for messages: a batch may hold rows of several small files. */
  @FunctionalInterface
  interface Locator {
    /**
     * @param row the row within the batch, from 0
     * @param line the row's line within its block as the parser saw it, or 0 when unknown
     * @return the row's file and place in it
     */
    Place at(int row, long line);
  }

  /**
   * @param file the file's name in the channel
   * @param at the line in the file (positive), or minus the row in the file when lines are unknown
   */
  record Place(String file, long at) {}

  private final String channel;
  private final List<String> files = new ArrayList<>();
  /** Per query id: the file (index, high bits) and place (low 40 bits, sign in bit 40) where it began. */
  private final Map<Long, Long> began = new HashMap<>();
  private int[] sizes = new int[64];
  private int groups;
  private long current = -1;
  private long withoutIds = -1;
  private long withIds = -1;

  QueryGrouping(String channel) {
    this.channel = channel;
  }

  /** Takes the next batch of the channel. */
  void accept(Batch batch, Locator locator) {
    QueryRuns runs = batch.queries();
    if (runs == null) {
      withoutIds(locator.at(0, 1));
      return;
    }
    for (int i = 0; i < runs.count(); i++) {
      long id = runs.ids()[i];
      if (id < 0) {
        withoutIds(locator.at(runs.firstRows()[i], line(runs, i)));
        continue;
      }
      if (withoutIds >= 0) {
        throw new UserError(where(locator.at(runs.firstRows()[i], line(runs, i))) + ": this row has a query id but the"
            + " rows before it have none (" + describe(withoutIds) + "); every row needs one, or none");
      }
      if (withIds < 0) {
        withIds = pack(locator.at(runs.firstRows()[i], line(runs, i)));
      }
      int end = i + 1 < runs.count() ? runs.firstRows()[i + 1] : batch.rows();
      int length = end - runs.firstRows()[i];
      if (groups > 0 && id == current) {
        sizes[groups - 1] += length;
        continue;
      }
      Place here = locator.at(runs.firstRows()[i], line(runs, i));
      Long first = began.putIfAbsent(id, pack(here));
      if (first != null) {
        throw new UserError(where(here) + ": query id " + id + " comes back after other queries (its rows"
            + " began in " + describe(first) + "); the rows of one query must be contiguous, perhaps you should"
            + " sort the rows by query id");
      }
      if (groups == sizes.length) {
        sizes = Arrays.copyOf(sizes, groups * 2);
      }
      sizes[groups++] = length;
      current = id;
    }
  }

  /** The query group sizes, in row order, or {@code null} when the rows have no query ids. */
  int[] groups() {
    return groups == 0 ? null : Arrays.copyOf(sizes, groups);
  }

  /** Rows without a query id begin at {@code here}. */
  private void withoutIds(Place here) {
    if (withIds >= 0) {
      throw new UserError(where(here) + ": the rows from here on have no query id but the rows"
          + " before them have one (" + describe(withIds) + "); every row needs one, or none");
    }
    if (withoutIds < 0) {
      withoutIds = pack(here);
    }
  }

  private String where(Place place) {
    return "channel '" + channel + "', file '" + place.file() + "', " + place(place.at());
  }

  private static String place(long at) {
    return at > 0 ? "line " + at : "row " + -at;
  }

  private long pack(Place place) {
    if (files.isEmpty() || !files.get(files.size() - 1).equals(place.file())) {
      files.add(place.file());
    }
    long at = place.at();
    long magnitude = Math.min(Math.abs(at), (1L << 40) - 1);
    return ((long) (files.size() - 1) << 41) | (at < 0 ? 1L << 40 : 0) | magnitude;
  }

  private String describe(long packed) {
    long magnitude = packed & ((1L << 40) - 1);
    boolean row = (packed & (1L << 40)) != 0;
    return "file '" + files.get((int) (packed >>> 41)) + "', " + place(row ? -magnitude : magnitude);
  }

  private static long line(QueryRuns runs, int i) {
    return runs.lines() == null ? 0 : runs.lines()[i];
  }
}
