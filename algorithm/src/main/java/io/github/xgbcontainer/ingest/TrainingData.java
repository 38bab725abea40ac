package io.github.xgbcontainer.ingest;

import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.error.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The rows of the train channel and, when the job has one, of the validation channel. Closing it
 * frees both (closing twice is harmless).
 *
 * @param train the train channel
 * @param validation the validation channel, if the job has one
 */
public record TrainingData(ChannelData train, Optional<ChannelData> validation) implements AutoCloseable {

  public TrainingData {
    if (train == null || validation == null) {
      throw new IllegalArgumentException("train data and the validation option are required");
    }
  }

  /**
   * The rows cross-validation splits into folds: the train channel's, then the validation channel's,
   * with their query groups when both have them.
   *
   * @throws UserError when one channel has query ids and the other has none
   */
  public ChannelData joined() {
    List<Batch> all = new ArrayList<>(train.batches());
    validation.ifPresent(v -> all.addAll(v.batches()));
    int[] groups = train.groups();
    if (validation.isPresent() && validation.get().hasGroups() != train.hasGroups()) {
      throw new UserError("channel '" + (train.hasGroups() ? "validation" : "train") + "' has no query ids but channel '"
          + (train.hasGroups() ? "train" : "validation") + "' has: cross-validation joins their rows, so either both"
          + " need them or neither");
    }
    if (validation.isPresent() && groups != null) {
      int[] more = validation.get().groups();
      groups = Arrays.copyOf(groups, groups.length + more.length);
      System.arraycopy(more, 0, groups, groups.length - more.length, more.length);
    }
    // the train channel's feature names, as the model trained without folds gets them
    return new ChannelData(validation.isEmpty() ? "train" : "train+validation", all, train.features(),
        train.featureNames(), groups);
  }

  @Override
  public void close() {
    train.close();
    validation.ifPresent(ChannelData::close);
  }
}
