/**
 * The training loop: boosting rounds, evaluation lines in SageMaker's metric format, early stopping, progress.
 */
package io.github.xgbcontainer.train;
