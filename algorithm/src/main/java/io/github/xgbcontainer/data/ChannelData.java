package io.github.xgbcontainer.data;

import java.util.List;

/**
 * Every row of one channel, as batches in file order.
 *
 * @param channel the channel name, e.g. {@code train}
 * @param batches the parsed batches, in the order the rows appear in the channel's files
 * @param features the feature count: the widest batch (CSV) or the largest index plus one (LibSVM)
 * @param featureNames one name per feature (Parquet's column names), or empty when the data names none
 * @param groups for learning to rank, the query groups: the sizes of consecutive runs of rows of
 *     one query, in row order, summing to the row count (XGBoost's {@code group}); {@code null}
 *     when the rows carry no query ids
 */
public record ChannelData(String channel, List<Batch> batches, int features, List<String> featureNames,
    int[] groups) implements AutoCloseable {

  public ChannelData {
    batches = List.copyOf(batches);
    featureNames = List.copyOf(featureNames);
    if (!featureNames.isEmpty() && featureNames.size() != features) {
      throw new IllegalArgumentException(featureNames.size() + " feature names for " + features + " features");
    }
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

  /** A channel whose features have no names (XGBoost calls them {@code f0, f1, ...}) and whose rows no queries. */
  public ChannelData(String channel, List<Batch> batches, int features) {
    this(channel, batches, features, List.of(), null);
  }

  /** A channel without feature names whose rows carry query groups ({@code null}: none). */
  public ChannelData(String channel, List<Batch> batches, int features, int[] groups) {
    this(channel, batches, features, List.of(), groups);
  }

  /**
   * The same rows and groups with another feature count (LibSVM channels that do not use the highest
   * indices); names are kept only where they still count the features.
   */
  public ChannelData withFeatures(int features) {
    return new ChannelData(channel, batches, features, featureNames.size() == features ? featureNames : List.of(),
        groups);
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
