package io.github.xgbcontainer.serve;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body without holding a thread while the client is slow: it asks Jetty to call
 * back when bytes arrive, so a client that sends its headers and then stalls or trickles holds a
 * connection, never one of the request threads that {@code /ping} needs. The whole body must
 * arrive within a deadline counted from the headers, or the request is answered 408 and the
 * connection closed; SageMaker's front end sends bodies at network speed, so only a broken or
 * hostile client meets it.
 */
final class BodyReader implements Runnable {

  /** The request attribute holding the body bytes received, for the request log. */
  static final String BYTES_RECEIVED = BodyReader.class.getName() + ".bytes";

  private final Request request;
  private final long limit;
  private final int deadlineSeconds;
  private final Consumer<byte[]> onBody;
  private final Consumer<HttpFailure> onFailure;
  private final ByteArrayOutputStream body;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile boolean timedOut;
  private Scheduler.Task deadline;

  private BodyReader(Request request, long limit, int deadlineSeconds, Consumer<byte[]> onBody,
      Consumer<HttpFailure> onFailure) {
    this.request = request;
    this.limit = limit;
    this.deadlineSeconds = deadlineSeconds;
    this.onBody = onBody;
    this.onFailure = onFailure;
    long declared = request.getLength();
    this.body = new ByteArrayOutputStream(declared > 0 && declared <= limit ? (int) declared : 8192);
  }

  /**
   * Reads the body of {@code request} and hands it to {@code onBody}, or a failure to
   * {@code onFailure}: 413 past {@code limit} bytes, 408 past the deadline, 400 when the
   * connection breaks. Exactly one of them is called, on whichever thread delivered the last bytes.
   */
  static void read(Request request, long limit, int deadlineSeconds, Consumer<byte[]> onBody,
      Consumer<HttpFailure> onFailure) {
    BodyReader reader = new BodyReader(request, limit, deadlineSeconds, onBody, onFailure);
    reader.deadline = request.getComponents().getScheduler().schedule(reader::expire, deadlineSeconds,
        TimeUnit.SECONDS);
    reader.run();
  }

  /** Reads what has arrived, then asks to be called again when more comes. */
  @Override
  public void run() {
    while (!finished.get()) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        Throwable failure = chunk.getFailure();
        chunk.release();
        if (timedOut) {
          finish(null, new HttpFailure(408, "the request body did not arrive within " + deadlineSeconds
              + " s (" + body.size() + (request.getLength() >= 0 ? " of " + request.getLength() : "")
              + " bytes received), perhaps you should send it at once; the connection is closed"));
        } else {
          finish(null, new HttpFailure(400, "the request body could not be read: " + failure));
        }
        return;
      }
      ByteBuffer bytes = chunk.getByteBuffer();
      if ((long) body.size() + bytes.remaining() > limit) {
        chunk.release();
        finish(null, InferenceHandler.tooLarge(-1, limit));
        return;
      }
      if (bytes.hasArray()) {
        body.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
      } else {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        body.write(copy, 0, copy.length);
      }
      boolean last = chunk.isLast();
      chunk.release();
      if (last) {
        finish(body.toByteArray(), null);
        return;
      }
    }
  }

  private void expire() {
    if (!finished.get()) {
      timedOut = true;
      // Failing the source wakes the pending demand, whose read then sees the failure.
      request.fail(new TimeoutException("request body deadline"));
    }
  }

  private void finish(byte[] bytes, HttpFailure failure) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    deadline.cancel();
    request.setAttribute(BYTES_RECEIVED, (long) body.size());
    if (failure != null) {
      onFailure.accept(failure);
    } else {
      onBody.accept(bytes);
    }
  }
}
