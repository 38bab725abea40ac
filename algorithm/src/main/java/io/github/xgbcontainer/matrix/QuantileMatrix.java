package io.github.xgbcontainer.matrix;

import ml.dmlc.xgboost4j.java.DMatrix;

/**
 * A QuantileDMatrix built by {@link NativeShim}: xgboost4j's {@link DMatrix} around a native handle
 * from the same library, so boosters train and evaluate on it and {@link #dispose()} frees it.
 */
final class QuantileMatrix extends DMatrix {

  private final boolean external;

  QuantileMatrix(long handle, boolean external) {
    super(handle);
    this.external = external;
  }

  /** Whether its pages are on disk (external memory). */
  boolean external() {
    return external;
  }
}
