package io.github.xgbcontainer;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what one class logs while a test runs, so the test can check a line's exact text and level.
 *
 * <p>Tests share the JVM's loggers, so a capture listens only between its construction and
 * {@link #close()}: use it in try-with-resources. Records arrive from whichever thread logs them (a
 * server's request threads, a reader's pool), so it is safe to read while they come in; each read is a
 * copy, in the order the records were logged. The messages are as logged, without parameters filled in
 * or the handler's formatting.
 */
public final class LogCapture implements AutoCloseable {

  /** Held here so the logger, and so this capture, outlives the logging class's last strong reference. */
  private final Logger logger;
  private final List<LogRecord> records = new ArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      synchronized (records) {
        records.add(record);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  /** Starts collecting what {@code source}'s logger (the one named after the class) logs. */
  public LogCapture(Class<?> source) {
    logger = Logger.getLogger(source.getName());
    logger.addHandler(handler);
  }

  /** Every message logged so far, in order. */
  public List<String> messages() {
    synchronized (records) {
      return records.stream().map(LogRecord::getMessage).toList();
    }
  }

  /** The messages logged so far at exactly {@code level}, in order. */
  public List<String> at(Level level) {
    synchronized (records) {
      return records.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
    }
  }

  /** Every record logged so far as {@code "LEVEL message"} (e.g. {@code "WARNING skipping ..."}), in order. */
  public List<String> lines() {
    synchronized (records) {
      return records.stream().map(r -> r.getLevel().getName() + " " + r.getMessage()).toList();
    }
  }

  /** Stops collecting; what was collected stays readable. */
  @Override
  public void close() {
    logger.removeHandler(handler);
  }
}
