package io.github.xgbcontainer.channel;

import io.github.xgbcontainer.error.UserError;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Pipe-mode channel: SageMaker streams the channel's S3 objects, one after another, through the
 * named pipe {@code /opt/ml/input/data/<channel>_<epoch>}, and this source's one stream is the pipe
 * of epoch 0, read once, front to back. See
 * https://docs.aws.amazon.com/sagemaker/latest/dg/model-access-training-data.html#model-access-training-data-input-modes
 *
 * <p>Opening a FIFO for reading blocks until a writer opens it, and Java has no non-blocking open,
 * so a helper thread opens it and reads the first byte while the caller waits with a bound: a pipe
 * that nobody opens, or that opens and stays silent, is a user error naming the pipe, never a hang.
 * If no writer comes, the waiting side opens the FIFO for writing itself, which releases the helper
 * from its blocked open.
 */
public final class PipeChannel implements ChannelSource {

  private final String channel;
  private final List<DataStream> streams;

  /**
   * @param channel the channel name
   * @param pipe the FIFO of epoch 0
   * @param openTimeout how long to wait for a writer to open the pipe
   * @param firstByteTimeout how long to wait, once open, for the first byte
   */
  public PipeChannel(String channel, Path pipe, Duration openTimeout, Duration firstByteTimeout) {
    this.channel = channel;
    this.streams = List.of(new PipeStream(channel, pipe, openTimeout, firstByteTimeout));
  }

  @Override
  public String channel() {
    return channel;
  }

  @Override
  public List<DataStream> streams() {
    return streams;
  }

  private record PipeStream(String channel, Path pipe, Duration openTimeout, Duration firstByteTimeout)
      implements DataStream {

    @Override
    public String name() {
      return pipe.toString();
    }

    @Override
    public InputStream open() throws IOException {
      if (!Files.exists(pipe)) {
        throw new UserError("channel '" + channel + "': pipe " + pipe + " does not exist; SageMaker creates "
            + "it for a channel whose TrainingInputMode is Pipe, perhaps you should check the channel's input mode");
      }
      Opener opener = new Opener(pipe);
      Thread thread = new Thread(opener, "open-" + pipe.getFileName());
      thread.setDaemon(true);
      thread.start();
      try {
        if (!opener.opened.await(openTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
          releaseBlockedOpen();
          throw new UserError("channel '" + channel + "': no writer opened pipe " + pipe + " within "
              + seconds(openTimeout) + "; SageMaker streams a Pipe-mode channel there, perhaps you should "
              + "check that the channel's S3 location holds data");
        }
        if (!opener.firstByte.await(firstByteTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new UserError("channel '" + channel + "': pipe " + pipe + " was opened but delivered no data within "
              + seconds(firstByteTimeout) + "; perhaps you should check that the channel's S3 objects are not empty");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while opening " + pipe, e);
      }
      if (opener.failure != null) {
        throw opener.failure;
      }
      if (opener.first < 0) {
        opener.in.close();
        throw new UserError("channel '" + channel + "': pipe " + pipe + " delivered no data (the writer "
            + "closed it without writing); perhaps you should check that the channel's S3 location holds data");
      }
      InputStream rest = new SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) opener.first}), opener.in);
      return Decompression.unwrap(rest);
    }

    /** Opens the FIFO for writing, which lets the helper's blocked open for reading return. */
    private void releaseBlockedOpen() {
      try (FileOutputStream ignored = new FileOutputStream(pipe.toFile())) {
        // opened and closed at once: the helper then reads end of stream and finishes
      } catch (IOException ignored) {
        // the helper stays parked on a daemon thread; the job is failing anyway
      }
    }

    private static String seconds(Duration d) {
      return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
  }

  /** Opens the pipe and reads its first byte on a helper thread. */
  private static final class Opener implements Runnable {
    private final Path pipe;
    final CountDownLatch opened = new CountDownLatch(1);
    final CountDownLatch firstByte = new CountDownLatch(1);
    volatile InputStream in;
    volatile int first = -1;
    volatile IOException failure;

    Opener(Path pipe) {
      this.pipe = pipe;
    }

    @Override
    public void run() {
      try {
        in = new FileInputStream(pipe.toFile());
        opened.countDown();
        first = in.read();
      } catch (IOException e) {
        failure = e;
        opened.countDown();
      } finally {
        firstByte.countDown();
      }
    }
  }
}
