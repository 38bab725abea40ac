package io.github.xgbcontainer.data;

import java.util.List;

/**
 * Every row of one channel, as batches in file order.
 *
 * @param channel the channel name, e.g. {@code train}
 * @param batches the parsed batches, in the order the rows appear in the channel's files
 * @param features the feature count: the widest batch (CSV) or the largest index plus one (LibSVM)
 */
public record ChannelData(String channel, List<Batch> batches, int features) implements AutoCloseable {

  public ChannelData {
    batches = List.copyOf(batches);
  }

  /** Total number of rows. */
  public long rows() {
    return batches.stream().mapToLong(Batch::rows).sum();
  }

  /** Whether the rows carry instance weights. */
  public boolean hasWeights() {
    return !batches.isEmpty() && batches.get(0).hasWeights();
  }

  @Override
  public void close() {
    batches.forEach(Batch::close);
  }
}
