package io.github.xgbcontainer.train;

import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.ContainerException;
import io.github.xgbcontainer.error.UserError;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Turns XGBoost's native errors into ours. Where the user's input caused it, the message says so
 * and how to fix it; the rest are algorithm errors carrying XGBoost's first line.
 */
public final class XgboostErrors {

  private XgboostErrors() {}

  public static ContainerException translate(XGBoostError e) {
    String message = firstLine(e.getMessage());
    if (message.contains("base_score must be in (0,1) for the logistic loss")) {
      return new UserError("labels must be in [0, 1] for logistic objectives (XGBoost estimates base_score from "
          + "the labels and found it outside (0, 1)); a base_score you set must be in (0, 1) too (XGBoost: "
          + message + ")", e);
    }
    if (message.contains("label must be discrete values in the range of [0, num_class)")) {
      return new UserError("labels must be whole numbers in [0, num_class) for multi:* objectives (XGBoost: "
          + message + ")", e);
    }
    if (message.contains("label must be in [0,1]")) {
      return new UserError("labels must be in [0, 1] for this objective (XGBoost: " + message + ")", e);
    }
    if (message.contains("Unknown metric") || message.contains("Unknown objective")) {
      return new UserError("XGBoost does not know this name: " + message, e);
    }
    return new AlgorithmError("XGBoost failed: " + message, e);
  }

  static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    String line = message.strip().lines().filter(l -> !l.isBlank() && !l.startsWith("Stack trace"))
        .findFirst().orElse(message.strip());
    // native messages start with "[12:34:56] /path/file.cc:123: "
    return line.replaceFirst("^\\[[0-9:]+\\] [^ ]+:[0-9]+: ", "").replaceFirst("^Check failed: [^:]*: ", "");
  }
}
