/**
 * Which XGBoost build the container loaded (the CPU one from Maven Central or the CUDA one of the
 * GPU image) and which NVIDIA GPUs it can use: the check that {@code device=cuda} can run here,
 * made before any data is read, and the device {@code serve} predicts on.
 */
package io.github.xgbcontainer.device;
