package io.github.xgbcontainer.matrix;

import ml.dmlc.xgboost4j.java.DMatrix;

/**
 * A QuantileDMatrix built by {@link NativeShim}: xgboost4j's {@link DMatrix} around a native handle
 * from the same library, so boosters train and evaluate on it and {@link #dispose()} frees it.
 */
final class QuantileMatrix extends DMatrix {

  private final boolean external;
  private final int passes;
  private final int releasedFrom;

  QuantileMatrix(long handle, boolean external, int passes, int releasedFrom) {
    super(handle);
    this.external = external;
    this.passes = passes;
    this.releasedFrom = releasedFrom;
  }

  /** How many passes XGBoost made over the batches to build it (0 where not counted: external memory). */
  int passes() {
    return passes;
  }

  /** The pass from which the batches' values were released during the build, 0 when they were kept. */
  int releasedFrom() {
    return releasedFrom;
  }

  /** Whether its pages are on disk (external memory). */
  boolean external() {
    return external;
  }
}
