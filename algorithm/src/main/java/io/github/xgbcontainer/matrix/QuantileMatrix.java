package io.github.xgbcontainer.matrix;

import ml.dmlc.xgboost4j.java.DMatrix;

/**
 * A QuantileDMatrix built by {@link NativeShim}: xgboost4j's {@link DMatrix} around a native handle
 * from the same library, so boosters train and evaluate on it and {@link #dispose()} frees it.
 */
final class QuantileMatrix extends DMatrix {

  QuantileMatrix(long handle) {
    super(handle);
  }
}
