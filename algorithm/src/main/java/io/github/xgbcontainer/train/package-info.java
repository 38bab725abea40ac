/**
 * One host's training job ({@code TrainingJob}, a short orchestrator of the steps below) and the
 * training loop: boosting rounds, evaluation lines in SageMaker's metric format, early stopping,
 * progress, the checkpoint policy, cross-validation. Channels come from {@code ingest}, outputs go
 * through {@code output} and {@code report}.
 */
package io.github.xgbcontainer.train;
