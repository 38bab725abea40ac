package io.github.xgbcontainer.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real FIFOs made with mkfifo, written from another thread. */
class PipeChannelTest {

  @TempDir Path dir;

  private Path fifo() throws IOException, InterruptedException {
    Path fifo = dir.resolve("train_0");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    return fifo;
  }

  private static PipeChannel channel(Path fifo, long openMillis, long firstByteMillis) {
    return new PipeChannel("train", fifo, Duration.ofMillis(openMillis), Duration.ofMillis(firstByteMillis));
  }

  @Test
  void open_streamsEveryByteInChunksWithPauses() throws Exception {
    Path fifo = fifo();
    byte[] data = new byte[3 << 20];
    new Random(7).nextBytes(data);
    data[0] = 'x'; // not gzip's magic number
    Thread writer = new Thread(() -> {
      try (OutputStream out = Files.newOutputStream(fifo)) {
        for (int at = 0; at < data.length; at += 65536) {
          out.write(data, at, Math.min(65536, data.length - at));
          if (at % (1 << 20) == 0) {
            Thread.sleep(30);
          }
        }
      } catch (IOException | InterruptedException e) {
        throw new RuntimeException(e);
      }
    });
    writer.start();
    PipeChannel channel = channel(fifo, 10_000, 10_000);
    assertEquals(fifo.toString(), channel.streams().get(0).name());
    try (InputStream in = channel.streams().get(0).open()) {
      assertArrayEquals(data, in.readAllBytes());
    }
    writer.join();
  }

  @Test
  void open_withoutWriter_failsNamingThePipe() throws Exception {
    Path fifo = fifo();
    UserError e = assertThrows(UserError.class, () -> channel(fifo, 300, 300).streams().get(0).open());
    assertEquals("channel 'train': no writer opened pipe " + fifo + " within 300 ms; SageMaker streams a Pipe-mode "
        + "channel there, perhaps you should check that the channel's S3 location holds data", e.getMessage());
  }

  @Test
  void open_writerSilent_failsAfterTheFirstByteTimeout() throws Exception {
    Path fifo = fifo();
    CountDownLatch done = new CountDownLatch(1);
    Thread writer = new Thread(() -> {
      try (OutputStream out = Files.newOutputStream(fifo)) {
        done.await();
      } catch (IOException | InterruptedException e) {
        // the test is over
      }
    });
    writer.start();
    UserError e = assertThrows(UserError.class, () -> channel(fifo, 5_000, 300).streams().get(0).open());
    assertEquals("channel 'train': pipe " + fifo + " was opened but delivered no data within 300 ms; perhaps you "
        + "should check that the channel's S3 objects are not empty", e.getMessage());
    done.countDown();
    writer.join();
  }

  @Test
  void open_writerClosesAtOnce_isAnEmptyChannel() throws Exception {
    Path fifo = fifo();
    Thread writer = new Thread(() -> {
      try (OutputStream out = Files.newOutputStream(fifo)) {
        // nothing
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    writer.start();
    UserError e = assertThrows(UserError.class, () -> channel(fifo, 5_000, 5_000).streams().get(0).open());
    assertEquals("channel 'train': pipe " + fifo + " delivered no data (the writer closed it without writing); "
        + "perhaps you should check that the channel's S3 location holds data", e.getMessage());
    writer.join();
  }

  @Test
  void open_missingPipe() {
    Path fifo = dir.resolve("train_0");
    UserError e = assertThrows(UserError.class, () -> channel(fifo, 100, 100).streams().get(0).open());
    assertEquals("channel 'train': pipe " + fifo + " does not exist; SageMaker creates it for a channel whose "
        + "TrainingInputMode is Pipe, perhaps you should check the channel's input mode", e.getMessage());
  }
}
