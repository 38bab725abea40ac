package io.github.xgbcontainer.serve;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Logs each request answered with 4xx or 5xx in one line, so that a failing client shows in
 * CloudWatch with what it sent and why it was refused:
 *
 * <pre>POST /invocations 415 12 bytes 0.4 ms: content type 'image/png' is not supported, ...</pre>
 *
 * <p>(method, path, status, request body bytes received, time from headers to the last response
 * byte, the one-line message the client got). Successful requests are not logged: at thousands a
 * second they would drown everything else. A client that fails in a loop could still flood the
 * log, so at most {@value #LINES_PER_SECOND} lines are written a second; the next line after a
 * second that dropped some says how many.
 */
final class RequestFailureLog extends Handler.Wrapper {

  /** The request attribute holding the message the client was answered with. */
  static final String REASON = RequestFailureLog.class.getName() + ".reason";

  static final int LINES_PER_SECOND = 10;

  private static final Logger LOG = Logger.getLogger(RequestFailureLog.class.getName());
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final LongSupplier nanoTime;
  private long windowStart;
  private int linesInWindow;
  private long dropped;

  RequestFailureLog(Handler handler) {
    this(handler, System::nanoTime);
  }

  /** With the clock given, so that the rate limit can be tested without sleeping. */
  RequestFailureLog(Handler handler, LongSupplier nanoTime) {
    super(handler);
    this.nanoTime = nanoTime;
    this.windowStart = nanoTime.getAsLong();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    long start = nanoTime.getAsLong();
    Callback logging = new Callback.Nested(callback) {
      @Override
      public void succeeded() {
        try {
          logIfFailed(request, response, start, null);
        } finally {
          super.succeeded();
        }
      }

      @Override
      public void failed(Throwable failure) {
        try {
          logIfFailed(request, response, start, failure);
        } finally {
          super.failed(failure);
        }
      }
    };
    return super.handle(request, response, logging);
  }

  private void logIfFailed(Request request, Response response, long start, Throwable failure) {
    int status = response.getStatus();
    if (status < 400 && failure == null) {
      return;
    }
    Object reason = request.getAttribute(REASON);
    String text = reason != null ? reason.toString().strip()
        : failure != null ? "the response could not be sent: " + failure : "";
    Object received = request.getAttribute(BodyReader.BYTES_RECEIVED);
    long bytes = received instanceof Long n ? n : Math.max(0, request.getLength());
    log(line(request.getMethod(), Request.getPathInContext(request), status, bytes,
        nanoTime.getAsLong() - start, text), status >= 500 ? Level.WARNING : Level.INFO);
  }

  /** The line for one failed request. */
  static String line(String method, String path, int status, long bytes, long nanos, String reason) {
    return String.format(Locale.ROOT, "%s %s %d %d bytes %.1f ms: %s", method, path, status, bytes,
        nanos / 1e6, reason.strip().replace('\n', ' '));
  }

  /** Writes {@code line} unless this second's lines are spent. */
  synchronized void log(String line, Level level) {
    long now = nanoTime.getAsLong();
    if (now - windowStart >= SECOND) {
      windowStart = now;
      linesInWindow = 0;
      if (dropped > 0) {
        LOG.warning(dropped + " more failed requests were not logged (at most " + LINES_PER_SECOND
            + " lines a second)");
        dropped = 0;
      }
    }
    if (linesInWindow >= LINES_PER_SECOND) {
      dropped++;
      return;
    }
    linesInWindow++;
    LOG.log(level, line);
  }
}
