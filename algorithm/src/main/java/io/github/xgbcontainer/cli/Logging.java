package io.github.xgbcontainer.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One-line log records on standard error, which SageMaker sends to CloudWatch beside standard output. */
final class Logging {

  private Logging() {}

  static void configure() {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    Handler handler = new ConsoleHandler();
    handler.setLevel(Level.ALL);
    handler.setFormatter(new Formatter() {
      @Override
      public String format(LogRecord r) {
        return String.format("%1$tF %1$tT %2$s %3$s%n", r.getMillis(), r.getLevel().getName(), formatMessage(r));
      }
    });
    root.addHandler(handler);
    root.setLevel(Level.INFO);
  }
}
