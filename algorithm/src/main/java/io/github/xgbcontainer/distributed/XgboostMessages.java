package io.github.xgbcontainer.distributed;

import java.util.List;

/** Reading XGBoost's native error text: a first line, and the innermost causes of collective errors. */
final class XgboostMessages {

  private XgboostMessages() {}

  /** The first meaningful line, without the {@code [12:34:56] /path/file.cc:123: } prefix. */
  static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    String line = message.strip().lines().filter(l -> !l.isBlank() && !l.startsWith("Stack trace"))
        .findFirst().orElse(message.strip());
    return line.replaceFirst("^\\[[0-9:]+\\] [^ ]+:[0-9]+: ", "").strip();
  }

  /**
   * Collective errors are lists: {@code - [comm.cc:284|20:24:24]: Failed to bootstrap ...}. This
   * keeps the list items, without their source positions, joined by "; ".
   */
  static String detail(String message) {
    if (message == null) {
      return "(no message)";
    }
    List<String> items = message.lines().map(String::strip).filter(l -> l.startsWith("- "))
        .map(l -> l.substring(2).replaceFirst("^\\[[^]]*\\]:\\s*", "").strip())
        .distinct().toList();
    return items.isEmpty() ? firstLine(message) : String.join("; ", items);
  }
}
