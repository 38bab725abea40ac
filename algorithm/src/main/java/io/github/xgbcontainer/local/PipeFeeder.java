package io.github.xgbcontainer.local;

import io.github.xgbcontainer.error.PlatformError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Pipe mode for one host and channel: makes the FIFO {@code input/data/<channel>_<epoch>}, streams
 * every object of the host into it straight from the store (no local copy), closes it at the end
 * of the data, and makes the next epoch's FIFO, as SageMaker does, until {@link #stop()}.
 *
 * <p>See https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo-running-container.html
 */
public final class PipeFeeder implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(PipeFeeder.class.getName());
  private final Host host;
  private final String channel;
  private final List<ChannelObject> objects;
  private final ObjectStores stores;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile Path current;

  public PipeFeeder(Host host, String channel, List<ChannelObject> objects, ObjectStores stores) {
    this.host = host;
    this.channel = channel;
    this.objects = List.copyOf(objects);
    this.stores = stores;
    this.thread = new Thread(this::feed, "pipe-" + host.name() + "-" + channel);
    this.thread.setDaemon(true);
  }

  /** Makes the first FIFO at once (so the host finds it), then feeds it in the background. */
  public PipeFeeder start() {
    current = host.paths().channelPipe(channel, 0);
    mkfifo(current);
    thread.start();
    return this;
  }

  private void feed() {
    for (int epoch = 0; !stopped; epoch++) {
      Path fifo = host.paths().channelPipe(channel, epoch);
      if (epoch > 0) {
        mkfifo(fifo);
      }
      current = fifo;
      long bytes = 0;
      try (OutputStream out = Files.newOutputStream(fifo)) { // blocks until the host opens it
        for (ChannelObject o : objects) {
          if (stopped) {
            break;
          }
          try (InputStream in = stores.forUri(o.uri()).open(o.uri())) {
            bytes += in.transferTo(out);
          }
        }
      } catch (IOException | RuntimeException e) {
        if (!stopped) {
          LOG.warning(host.name() + ": " + fifo.getFileName() + ": the reader closed the pipe early after "
              + bytes + " bytes (" + e.getMessage() + ")");
        }
      }
      if (!stopped) {
        LOG.info(host.name() + ": " + fifo.getFileName() + ": " + bytes + " bytes streamed");
      }
    }
  }

  /** Stops feeding; unblocks a FIFO still waiting for its reader. */
  public void stop() {
    stopped = true;
    Path fifo = current;
    if (fifo != null && thread.isAlive()) {
      // the writer may be blocked in open(): opening the read end releases it
      Thread release = new Thread(() -> {
        try (InputStream in = Files.newInputStream(fifo)) {
          in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
          // nothing to do: the feeder is stopping
        }
      }, "pipe-release");
      release.setDaemon(true);
      release.start();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }

  static void mkfifo(Path fifo) {
    try {
      Files.createDirectories(fifo.getParent());
      Files.deleteIfExists(fifo);
      Process p = new ProcessBuilder("mkfifo", "-m", "0666", fifo.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new PlatformError("mkfifo " + fifo + " failed: " + out.trim());
      }
    } catch (IOException e) {
      throw new PlatformError("cannot make the FIFO " + fifo + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformError("interrupted while making " + fifo, e);
    }
  }
}
