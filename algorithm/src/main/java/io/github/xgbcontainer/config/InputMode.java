package io.github.xgbcontainer.config;

import io.github.xgbcontainer.error.UserError;
import java.util.Arrays;
import java.util.Optional;

/**
 * How SageMaker delivers a channel ({@code TrainingInputMode}).
 *
 * <p>See https://docs.aws.amazon.com/sagemaker/latest/dg/model-access-training-data.html
 */
public enum InputMode {
  /** The channel's files are downloaded to {@code /opt/ml/input/data/<channel>} before start. */
  FILE("File"),
  /**
   * Files under the same folder that stream from S3 as they are read; under the {@code local}
   * command, FIFOs written on demand in the order the folder is read.
   */
  FAST_FILE("FastFile"),
  /** Named pipes {@code /opt/ml/input/data/<channel>_<epoch>}. */
  PIPE("Pipe");

  private final String wireName;

  InputMode(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The mode spelled exactly as SageMaker's API spells it ({@code File}, {@code FastFile}, {@code Pipe}). */
  public static Optional<InputMode> byWireName(String raw) {
    return Arrays.stream(values()).filter(m -> m.wireName.equals(raw)).findFirst();
  }

  static InputMode parse(String channel, String raw) {
    if (raw == null || raw.isBlank()) {
      return FILE;
    }
    for (InputMode mode : values()) {
      if (mode.wireName.equalsIgnoreCase(raw.trim())) {
        return mode;
      }
    }
    throw new UserError("channel '" + channel + "': TrainingInputMode '" + raw
        + "' is not one of File, FastFile, Pipe");
  }
}
