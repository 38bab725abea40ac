package io.github.xgbcontainer.train;

import java.util.List;
import java.util.Optional;
import ml.dmlc.xgboost4j.java.Booster;

/**
 * What a training run produced.
 *
 * @param booster the trained model (the caller disposes it)
 * @param history every round's evaluation, in order
 * @param earlyStopping the early-stopping state, when early stopping was on
 * @param stoppedEarly whether early stopping ended training before {@code num_round}
 * @param terminated whether a stop request (SIGTERM) ended training before it was done
 */
public record TrainingResult(Booster booster, List<EvaluationLine> history,
    Optional<EarlyStopping> earlyStopping, boolean stoppedEarly, boolean terminated) {

  public TrainingResult {
    history = List.copyOf(history);
  }
}
