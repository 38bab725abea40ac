package io.github.xgbcontainer.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.error.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders of regular files and of real FIFOs made with mkfifo, the FIFOs written from another thread. */
class FolderChannelTest {

  @TempDir Path dir;

  private Path fifo(String name) throws IOException, InterruptedException {
    Path fifo = dir.resolve(name);
    Files.createDirectories(fifo.getParent());
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    return fifo;
  }

  /** Writes {@code bytes} into {@code fifo} once a reader opens it. */
  private static Thread writer(Path fifo, byte[] bytes) {
    Thread t = new Thread(() -> {
      try (OutputStream out = Files.newOutputStream(fifo)) {
        out.write(bytes);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static List<String> names(FolderChannel channel) {
    return channel.streams().stream().map(DataStream::name).toList();
  }

  /** A folder as the local command lays out a FastFile channel, plus a regular file and skipped names. */
  private void mixedFolder() throws Exception {
    Files.writeString(dir.resolve("a.csv"), "1,1\n");
    fifo("sub/b.csv.gz");
    fifo("c.csv");
    fifo("_SUCCESS");
    fifo(".hidden/d.csv");
  }

  @Test
  void fastFile_listsFifosBesideRegularFilesInPathOrderAndReadsThem() throws Exception {
    mixedFolder();
    FolderChannel channel = FolderChannel.list("train", dir, InputMode.FAST_FILE);
    assertEquals(List.of("a.csv", "c.csv", "sub/b.csv.gz"), names(channel));
    assertEquals(2, channel.fifos());
    assertTrue(channel.streams().get(0).file().isPresent(), "a regular file may be read at random");
    assertFalse(channel.streams().get(1).file().isPresent(), "a FIFO may not: Parquet spools it");
    assertFalse(channel.streams().get(2).file().isPresent());

    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write("3,1\n".getBytes());
    }
    Thread c = writer(dir.resolve("c.csv"), "2,1\n".getBytes());
    Thread b = writer(dir.resolve("sub/b.csv.gz"), gz.toByteArray());
    StringBuilder read = new StringBuilder();
    for (DataStream stream : channel.streams()) {
      try (InputStream in = stream.open()) {
        read.append(new String(in.readAllBytes()));
      }
    }
    assertEquals("1,1\n2,1\n3,1\n", read.toString(), "the gzip FIFO is unwrapped like a gzip file");
    c.join(5_000);
    b.join(5_000);
  }

  @Test
  void fileMode_skipsFifos() throws Exception {
    mixedFolder();
    FolderChannel channel = FolderChannel.list("train", dir, InputMode.FILE);
    assertEquals(List.of("a.csv"), names(channel));
    assertEquals(0, channel.fifos());
  }

  @Test
  void isFifo_onlyForFifos() throws Exception {
    Path fifo = fifo("f");
    Path file = Files.writeString(dir.resolve("g"), "x");
    assertTrue(FolderChannel.isFifo(fifo));
    assertFalse(FolderChannel.isFifo(file));
    assertFalse(FolderChannel.isFifo(dir));
  }

  @Test
  void list_missingFolderNamesTheChannelAndMode() {
    Path missing = dir.resolve("nowhere");
    assertEquals("channel 'train': folder " + missing + " does not exist; SageMaker puts FastFile-mode channel data "
        + "there (check the channel's S3 location)",
        assertThrows(UserError.class, () -> FolderChannel.list("train", missing, InputMode.FAST_FILE)).getMessage());
  }
}
