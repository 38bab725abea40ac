package io.github.xgbcontainer.checkpoint;

import java.nio.file.Path;

/**
 * One checkpoint as read back.
 *
 * @param rounds how many boosting rounds the model holds, by its name: one more than the iteration
 *     {@code N} of {@code xgboost-checkpoint.N}
 * @param model the booster, as stored (UBJSON from this image; the official image may have left JSON)
 * @param state the trainer's state at that point; {@link TrainerState#EMPTY} for a checkpoint
 *     without a state file
 * @param file the model file it was read from
 * @param withState whether this image wrote it, with the trainer's state beside it; false for a
 *     plain model, as the official image leaves them
 */
public record Checkpoint(int rounds, byte[] model, TrainerState state, Path file, boolean withState) {

  public Checkpoint {
    if (rounds < 1) {
      throw new IllegalArgumentException("a checkpoint holds at least one round, got " + rounds);
    }
    if (state == null) {
      throw new IllegalArgumentException("a checkpoint's state is required (TrainerState.EMPTY for none)");
    }
  }
}
