/**
 * Spot-safe checkpoints: a model and the training state written atomically every few rounds under
 * the checkpoint folder SageMaker syncs to S3, and the newest intact one found again on restart.
 */
package io.github.xgbcontainer.checkpoint;
