package io.github.xgbcontainer.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what one serve class logs while a test runs, so a test can check a line's exact text. */
final class ServeLog extends Handler implements AutoCloseable {

  private final Logger logger;
  private final List<String> messages = new ArrayList<>();

  ServeLog(Class<?> source) {
    logger = Logger.getLogger(source.getName());
    logger.addHandler(this);
  }

  /** Every message logged so far, in order. */
  synchronized List<String> messages() {
    return List.copyOf(messages);
  }

  @Override
  public synchronized void publish(LogRecord record) {
    messages.add(record.getMessage());
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
