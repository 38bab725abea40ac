package io.github.xgbcontainer.matrix;

/** Which way a matrix was built, for the log. */
public enum MatrixPath {
  /** A QuantileDMatrix built through the native shim: about one byte per cell. */
  QUANTILE("QuantileDMatrix (native shim)"),
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
