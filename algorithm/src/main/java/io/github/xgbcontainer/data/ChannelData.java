package io.github.xgbcontainer.data;

import java.util.List;

/**
 * Every row of one channel, as batches in file order.
 *
 * @param channel the channel name, e.g. {@code train}
 * @param batches the parsed batches, in the order the rows appear in the channel's files
 * @param features the feature count: the widest batch (CSV) or the largest index plus one (LibSVM)
 * @param featureNames one name per feature (Parquet's column names), or empty when the data names none
 */
public record ChannelData(String channel, List<Batch> batches, int features, List<String> featureNames)
    implements AutoCloseable {

  public ChannelData {
    batches = List.copyOf(batches);
    featureNames = List.copyOf(featureNames);
    if (!featureNames.isEmpty() && featureNames.size() != features) {
      throw new IllegalArgumentException(featureNames.size() + " feature names for " + features + " features");
    }
  }

  /** A channel whose features have no names (XGBoost calls them {@code f0, f1, ...}). */
  public ChannelData(String channel, List<Batch> batches, int features) {
    this(channel, batches, features, List.of());
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
