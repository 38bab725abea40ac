package io.github.xgbcontainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what one class logs while a test runs, so a test can check a warning's exact text. */
final class LogRecords extends Handler implements AutoCloseable {

  private final Logger logger;
  private final List<LogRecord> records = new ArrayList<>();

  LogRecords(Class<?> source) {
    logger = Logger.getLogger(source.getName());
    logger.addHandler(this);
  }

  /** The messages logged at {@code level}, in order. */
  synchronized List<String> at(Level level) {
    return records.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
  }

  @Override
  public synchronized void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
