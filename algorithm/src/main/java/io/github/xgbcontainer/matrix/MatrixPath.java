package io.github.xgbcontainer.matrix;

/** Which way a matrix was built, for the log. */
public enum MatrixPath {
  /** A QuantileDMatrix built through the native shim: about one byte per cell. */
  QUANTILE("QuantileDMatrix (native shim)"),
  /**
   * An external-memory QuantileDMatrix built through the native shim: its histogram pages live in
   * files and are read back at every round.
   */
  EXTERNAL("external-memory QuantileDMatrix (native shim, pages on disk)"),
  /** xgboost4j's plain DMatrix: eight bytes per non-missing value. */
  PLAIN("plain DMatrix");

  private final String description;

  MatrixPath(String description) {
    this.description = description;
  }

  /** A short phrase for a log line. */
  public String description() {
    return description;
  }
}
