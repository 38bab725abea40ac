package io.github.xgbcontainer.local.feed;

import io.github.xgbcontainer.error.ContainerException;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.local.host.Host;
import io.github.xgbcontainer.local.plan.ChannelObject;
import io.github.xgbcontainer.local.store.ObjectStores;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Streams a host's channel objects from the store into FIFOs on one background thread, straight from
 * the store with no local copy, and stops without leaving that thread blocked: what Pipe mode
 * ({@link PipeFeeder}) and FastFile mode ({@link FastFileFeeder}) share.
 */
public abstract class FifoFeeder implements AutoCloseable {

  /** How long {@link #stop} waits for the thread. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);

  protected final Host host;
  protected final String channel;
  protected final List<ChannelObject> objects;
  private final ObjectStores stores;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile Path current;
  private long written;
  private volatile PlatformError failure;
  private volatile OutputStream held;

  protected FifoFeeder(String kind, Host host, String channel, List<ChannelObject> objects, ObjectStores stores) {
    this.host = host;
    this.channel = channel;
    this.objects = List.copyOf(objects);
    this.stores = stores;
    this.thread = new Thread(this::feed, kind + "-" + host.name() + "-" + channel);
    this.thread.setDaemon(true);
  }

  /** Makes the FIFOs the host must find when it starts, then feeds them in the background. */
  public FifoFeeder start() {
    prepare();
    thread.start();
    return this;
  }

  /** Makes the FIFOs that must exist before the host starts; runs on the caller's thread. */
  protected abstract void prepare();

  /** The background thread: feeds FIFOs with {@link #write} until done or {@link #stopped()}. */
  protected abstract void feed();

  protected final boolean stopped() {
    return stopped;
  }

  /**
   * Opens {@code fifo} for writing, which blocks until the host opens it for reading, and streams
   * {@code these} objects into it one after another, each checked as it arrives
   * ({@link io.github.xgbcontainer.local.store.ObjectStore#read}); stops between objects once {@link #stop} was called. Returns the
   * bytes written. An {@link IOException} is the host's side: it closed its end (a write found no
   * reader). When the store fails instead (a short or corrupt object, a broken connection, an error
   * after the SDK's retries), the FIFO is not closed, because its reader would take the end of the
   * data for a whole channel and train on part of it: the failure is kept for {@link #failure()},
   * the write end stays open until {@link #stop}, and this returns what got through.
   */
  protected final long write(Path fifo, List<ChannelObject> these) throws IOException {
    current = fifo;
    written = 0;
    if (stopped) {
      return 0;
    }
    OutputStream out = Files.newOutputStream(fifo);
    try {
      for (ChannelObject o : these) {
        if (stopped) {
          break;
        }
        InputStream in;
        try {
          in = stores.forUri(o.uri()).read(o.stored());
        } catch (ContainerException e) {
          hold(out, e);
          return written;
        }
        try (in) {
          byte[] buffer = new byte[1 << 16];
          while (true) {
            int n;
            try {
              n = in.read(buffer);
            } catch (ContainerException e) {
              hold(out, e);
              return written;
            }
            if (n < 0) {
              break;
            }
            out.write(buffer, 0, n);
            written += n;
          }
        }
      }
    } finally {
      if (held == null) {
        out.close();
      }
    }
    return written;
  }

  /** Keeps the FIFO's write end open and the store's failure, named for this channel; not once stopping. */
  private void hold(OutputStream out, ContainerException e) {
    if (stopped) {
      return; // the job is ending anyway: whatever the store did, nobody reads on
    }
    held = out;
    failure = new PlatformError("channel '" + channel + "' of " + host.name() + ": " + e.getMessage(), e);
  }

  /**
   * The store's failure that ended this feeder, if one did: the job must fail with it, and stop the
   * host before {@link #stop} closes the FIFO it is still reading.
   */
  public final Optional<PlatformError> failure() {
    return Optional.ofNullable(failure);
  }

  /** Bytes {@link #write} got into its FIFO so far. */
  protected final long written() {
    return written;
  }

  /**
   * Stops feeding: the thread finishes after the object it is writing, and a write still waiting in
   * {@code open()} for a host that will not read (it exited, failed or was stopped) is released.
   * Waits for the thread a few seconds at most.
   */
  public final void stop() {
    stopped = true;
    Instant deadline = Instant.now().plus(STOP_WAIT);
    try {
      while (thread.isAlive() && Instant.now().isBefore(deadline)) {
        Path fifo = current;
        if (fifo != null) {
          Fifos.release(fifo); // again each pass: the thread may have moved on to the next FIFO
        }
        thread.join(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    OutputStream out = held;
    if (out != null) {
      try {
        out.close(); // only now: the job has stopped the host that was reading it
      } catch (IOException ignored) {
        // nobody reads it any more
      }
    }
  }

  /** Whether the background thread has ended: after the data, or after {@link #stop}. */
  public final boolean finished() {
    return !thread.isAlive();
  }

  @Override
  public void close() {
    stop();
  }
}
