package io.github.xgbcontainer.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.local.ScriptedS3Server.Fault;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Channels from a store that misbehaves ({@link ScriptedS3Server}, a real HTTP server on loopback
 * read through the AWS SDK, and {@code file://}): objects cut short, corrupt or broken off are
 * never passed on as whole ones, in File, Pipe and FastFile mode; keys that name one local path
 * are refused before any host starts.
 */
class FaultyStoreTest {

  @TempDir static Path dir;
  static ScriptedS3Server server;
  static S3Store store;

  /** 1,000 bytes of CSV rows, so that half of it still parses. */
  static final byte[] ROWS = rows();

  @BeforeAll
  static void start() throws Exception {
    server = ScriptedS3Server.start();
    store = server.store();
    for (Fault f : Fault.values()) {
      server.put("bad", "train/" + f.name().toLowerCase() + ".csv", ROWS, f);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    server.close();
  }

  private static byte[] rows() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; b.length() < 1_000; i++) {
      b.append(i % 10).append(",0.").append(i).append('\n');
    }
    return b.substring(0, 1_000).getBytes();
  }

  private static ChannelObject object(String fault) {
    return new ChannelObject(new StoreUri("s3", "bad", "train/" + fault + ".csv"), ROWS.length, fault + ".csv");
  }

  private static Host host(String name) {
    return new Host("algo-1", 0, new SageMakerPaths(dir.resolve(name)));
  }

  private static String downloadError(String fault) {
    Host host = host("file-" + fault);
    PlatformError e = assertThrows(PlatformError.class,
        () -> new ChannelFetcher(new ObjectStores(store)).fetch(host, "train", List.of(object(fault))));
    assertFalse(Files.exists(host.paths().channelDir("train").resolve(fault + ".csv")), "no part of it is left");
    return e.getMessage();
  }

  @Test
  void fileMode_wholeObjectIsDownloaded() throws Exception {
    Host host = host("file-none");
    new ChannelFetcher(new ObjectStores(store)).fetch(host, "train", List.of(object("none")));
    assertArrayEquals(ROWS, Files.readAllBytes(host.paths().channelDir("train").resolve("none.csv")));
  }

  @Test
  void fileMode_refusesAnObjectShorterThanListed() {
    assertEquals("channel 'train' of algo-1: s3://bad/train/short_body.csv is 500 bytes long now, not the 1000 bytes "
        + "it was listed with: the store cut it short, or it changed after it was listed; perhaps you should check the "
        + "store and run the job again", downloadError("short_body"));
    assertEquals("channel 'train' of algo-1: s3://bad/train/close_early.csv ended after 500 of its 1000 bytes: the store cut it short; perhaps you should "
        + "check the store and run the job again", downloadError("close_early"));
    assertEquals("channel 'train' of algo-1: s3://bad/train/corrupt.csv does not match its checksum: its 1000 bytes "
        + "have the MD5 ba6f5ee7ae2094beab69eb2c10551ec1, its ETag says b115eb211433c17aeaa4e7593018082e; perhaps you "
        + "should check the store and run the job again", downloadError("corrupt"));
  }

  @Test
  void fileMode_refusesALocalFileCutAfterItWasListed() throws Exception {
    Path file = Files.write(Files.createDirectories(dir.resolve("local-store")).resolve("a.csv"), ROWS);
    List<StoredObject> listed = new FileStore().list(StoreUri.of(file.getParent()).child(""));
    Files.write(file, java.util.Arrays.copyOf(ROWS, 300));
    PlatformError e = assertThrows(PlatformError.class, () -> new FileStore().download(listed.get(0), dir.resolve("copy.csv")));
    assertEquals("file://" + file + " ended after 300 of its 1000 bytes: the store cut it short; perhaps you should "
        + "check the store and run the job again", e.getMessage());
  }
}
