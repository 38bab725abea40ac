package io.github.xgbcontainer.train;

import io.github.xgbcontainer.checkpoint.Checkpoint;
import io.github.xgbcontainer.checkpoint.CheckpointStore;
import io.github.xgbcontainer.checkpoint.TrainerState;
import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.hyperparameters.Hyperparameters;
import io.github.xgbcontainer.output.ModelOutputs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * When a job resumes from a checkpoint and when it writes one: the newest usable checkpoint of the
 * folder SageMaker syncs (this image's, with trainer state, or a plain model as the official image
 * leaves them), and a new one every {@code checkpoint_frequency} rounds, at the last round, on
 * early stopping and when stopping by request. Without a checkpoint folder it does nothing.
 */
final class CheckpointPolicy {

  private static final Logger LOG = Logger.getLogger(CheckpointPolicy.class.getName());
  /** How many of this image's newest checkpoints the folder keeps. */
  static final int KEEP_CHECKPOINTS = 3;

  private final Optional<CheckpointStore> store;

  private CheckpointPolicy(Optional<CheckpointStore> store) {
    this.store = store;
  }

  /** @param folder the checkpoint folder, empty when the job has no checkpoint configuration */
  static CheckpointPolicy in(Optional<Path> folder) {
    return new CheckpointPolicy(folder.map(dir -> new CheckpointStore(dir, KEEP_CHECKPOINTS)));
  }

  /** Whether the job has a checkpoint folder. */
  boolean enabled() {
    return store.isPresent();
  }

  /** The checkpoint folder, when the job has one. */
  Optional<Path> folder() {
    return store.map(CheckpointStore::dir);
  }

  /**
   * With checkpoints, each round draws its random numbers from the seed and the round number, so
   * a resumed job samples exactly as an uninterrupted one would and builds the same model.
   */
  Map<String, Object> extraParams() {
    return store.isPresent() ? Map.of("seed_per_iteration", true) : Map.of();
  }

  /** What to resume from: the newest usable checkpoint, if any. */
  Optional<Trainer.Resume> resume() {
    if (store.isEmpty()) {
      return Optional.empty();
    }
    int[] heldRounds = new int[1];
    return store.get().latest(plain -> {
      heldRounds[0] = roundsIn(plain);
      return heldRounds[0] > 0;
    }).map(c -> {
      if (c.withState()) {
        LOG.info("resuming from checkpoint " + c.file());
        return new Trainer.Resume(c.rounds(), c.model(), c.state());
      }
      // A plain model, as the official image leaves them: N in its name is the iteration of its
      // last round, so it holds N + 1 rounds; the model itself says how many it really holds.
      int rounds = heldRounds[0];
      LOG.info("resuming from checkpoint " + c.file() + ", a plain model without trainer state (as the official"
          + " image writes them): iteration " + (c.rounds() - 1) + ", " + rounds + " round(s) done"
          + (rounds == c.rounds() ? "" : " (the model holds " + rounds + ", not " + c.rounds() + " as its name says)")
          + "; earlier rounds' scores are not in the evaluation history");
      return new Trainer.Resume(rounds, c.model(), TrainerState.EMPTY);
    });
  }

  /** The rounds a plain checkpoint model holds, or 0 (with a warning) when XGBoost cannot load it. */
  static int roundsIn(Checkpoint plain) {
    Booster booster = null;
    try {
      booster = XGBoost.loadModel(new ByteArrayInputStream(plain.model()));
      int rounds = booster.getNumBoostedRound();
      if (rounds < 1) {
        LOG.warning("skipping checkpoint " + plain.file() + ": the model holds no rounds");
      }
      return rounds;
    } catch (XGBoostError | IOException | RuntimeException e) {
      LOG.warning("skipping checkpoint " + plain.file() + ": XGBoost cannot load it: "
          + XgboostErrors.firstLine(e.getMessage()));
      return 0;
    } finally {
      if (booster != null) {
        booster.dispose();
      }
    }
  }

  /**
   * Writes a checkpoint every {@code checkpoint_frequency} rounds, at {@code num_round}, when
   * training stopped early, and always when stopping by request.
   *
   * @param writes false on the hosts other than the leader: the checkpoint folder is shared through S3
   */
  Trainer.RoundListener writer(Hyperparameters hp, boolean writes) {
    if (store.isEmpty() || !writes) {
      return (booster, state, last) -> { };
    }
    CheckpointStore checkpoints = store.get();
    int frequency = hp.checkpointFrequency();
    return (booster, state, last) -> {
      try {
        // the booster's own count: after a resume without trainer state the history is shorter
        int rounds = booster.getNumBoostedRound();
        if (last || rounds % frequency == 0 || rounds == hp.numRound() || state.stoppedEarly()) {
          checkpoints.save(rounds, ModelOutputs.modelBytes(booster), state);
        }
      } catch (XGBoostError e) {
        throw new AlgorithmError("cannot serialise the checkpoint model: " + e.getMessage(), e);
      }
    };
  }
}
