package io.github.xgbcontainer.data;

import java.util.List;

/**
 * Every row of one channel, as batches in file order.
 *
 * @param channel the channel name, e.g. {@code train}
 * @param batches the parsed batches, in the order the rows appear in the channel's files
 * @param features the feature count: the widest batch (CSV) or the largest index plus one (LibSVM)
 * @param groups for learning to rank, the query groups: the sizes of consecutive runs of rows of
 *     one query, in row order, summing to the row count (XGBoost's {@code group}); {@code null}
 *     when the rows carry no query ids
 */
public record ChannelData(String channel, List<Batch> batches, int features, int[] groups) implements AutoCloseable {

  public ChannelData {
    batches = List.copyOf(batches);
    if (groups != null) {
      long sum = 0;
      for (int g : groups) {
        if (g <= 0) {
          throw new IllegalArgumentException("a query group of " + g + " rows");
        }
        sum += g;
      }
      long rows = batches.stream().mapToLong(Batch::rows).sum();
      if (sum != rows) {
        throw new IllegalArgumentException("query groups of " + sum + " rows for " + rows + " rows");
      }
      groups = groups.clone();
    }
  }

  /** A channel without query groups. */
  public ChannelData(String channel, List<Batch> batches, int features) {
    this(channel, batches, features, null);
  }

  /** The same rows and groups with another feature count (LibSVM channels that do not use the highest indices). */
  public ChannelData withFeatures(int features) {
    return new ChannelData(channel, batches, features, groups);
  }

  /** Total number of rows. */
  public long rows() {
    return batches.stream().mapToLong(Batch::rows).sum();
  }

  /** Whether the rows carry instance weights. */
  public boolean hasWeights() {
    return !batches.isEmpty() && batches.get(0).hasWeights();
  }

  /** Whether the rows carry query ids, and so {@link #groups()}. */
  public boolean hasGroups() {
    return groups != null;
  }

  @Override
  public int[] groups() {
    return groups == null ? null : groups.clone();
  }

  @Override
  public void close() {
    batches.forEach(Batch::close);
  }
}
