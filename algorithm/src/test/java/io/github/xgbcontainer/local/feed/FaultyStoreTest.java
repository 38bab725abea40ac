package io.github.xgbcontainer.local.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.local.host.Host;
import io.github.xgbcontainer.local.plan.ChannelObject;
import io.github.xgbcontainer.local.plan.ChannelPlanner;
import io.github.xgbcontainer.local.plan.TrainingJobRequest;
import io.github.xgbcontainer.local.store.ObjectStore;
import io.github.xgbcontainer.local.store.ObjectStores;
import io.github.xgbcontainer.local.store.S3Store;
import io.github.xgbcontainer.local.store.ScriptedS3Server.Fault;
import io.github.xgbcontainer.local.store.ScriptedS3Server;
import io.github.xgbcontainer.local.store.StoreUri;
import io.github.xgbcontainer.local.store.StoredObject;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
  /** The store ObjectStores picks for {@code file://} URIs. */
  static final ObjectStore FILES = new ObjectStores(Optional.empty()).forUri(StoreUri.of(Path.of("/")));

  @BeforeAll
  static void start() throws Exception {
    server = ScriptedS3Server.start();
    store = server.store();
    for (Fault f : Fault.values()) {
      server.put("bad", "train/" + f.name().toLowerCase() + ".csv", ROWS, f);
    }
    server.put("keys", "same/a.csv", ROWS);
    server.put("keys", "same/./a.csv", ROWS);
    server.put("keys", "same/b.csv", ROWS);
    server.put("keys", "slashes/a.csv", ROWS);
    server.put("keys", "slashes//a.csv", ROWS);
    server.put("keys", "folder/a.csv", ROWS);
    server.put("keys", "folder/x/..", ROWS);
    server.put("keys", "nested/a", ROWS);
    server.put("keys", "nested/a/b.csv", ROWS);
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
    assertEquals("channel 'train' of algo-1: s3://bad/train/short_body.csv is 494 bytes long now, not the 1000 bytes "
        + "it was listed with: the store cut it short, or it changed after it was listed; perhaps you should check the "
        + "store and run the job again", downloadError("short_body"));
    assertEquals("channel 'train' of algo-1: s3://bad/train/close_early.csv ended after 494 of its 1000 bytes: the store cut it short; perhaps you should "
        + "check the store and run the job again", downloadError("close_early"));
    assertEquals("channel 'train' of algo-1: s3://bad/train/corrupt.csv does not match its checksum: its 1000 bytes "
        + "have the MD5 d5ae73795e2045d65435aead332b82f1, its ETag says b115eb211433c17aeaa4e7593018082e; perhaps you "
        + "should check the store and run the job again", downloadError("corrupt"));
  }

  @Test
  void fileMode_refusesALocalFileCutAfterItWasListed() throws Exception {
    Path file = Files.write(Files.createDirectories(dir.resolve("local-store")).resolve("a.csv"), ROWS);
    List<StoredObject> listed = FILES.list(StoreUri.of(file.getParent()).child(""));
    Files.write(file, java.util.Arrays.copyOf(ROWS, 300));
    PlatformError e = assertThrows(PlatformError.class, () -> FILES.download(listed.get(0), dir.resolve("copy.csv")));
    assertEquals("file://" + file + " ended after 300 of its 1000 bytes: the store cut it short; perhaps you should "
        + "check the store and run the job again", e.getMessage());
  }

  @Test
  void fileMode_refusesALocalFileThatGrewAfterItWasListed() throws Exception {
    Path file = Files.write(Files.createDirectories(dir.resolve("growing-store")).resolve("a.csv"), ROWS);
    List<StoredObject> listed = FILES.list(StoreUri.of(file.getParent()).child(""));
    Files.write(file, ROWS, java.nio.file.StandardOpenOption.APPEND);
    Path copy = dir.resolve("grown-copy.csv");
    PlatformError e = assertThrows(PlatformError.class, () -> FILES.download(listed.get(0), copy));
    assertEquals("file://" + file + " sent more than the 1000 bytes it was listed with: it changed after it was listed; "
        + "perhaps you should leave the data as it is while a job starts", e.getMessage());
    assertFalse(Files.exists(copy), "no part of it is left");
  }

  /** Reads a FIFO on another thread until its end. */
  private static CompletableFuture<byte[]> reader(Path fifo) {
    return CompletableFuture.supplyAsync(() -> {
      try (InputStream in = Files.newInputStream(fifo)) {
        return in.readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  private static PlatformError awaitFailure(FifoFeeder feeder) throws InterruptedException {
    for (int i = 0; i < 300 && feeder.failure().isEmpty(); i++) {
      Thread.sleep(100);
    }
    return feeder.failure().orElseThrow(() -> new AssertionError("the feeder did not fail"));
  }

  /**
   * The store fails mid-object: the feeder reports it, and its reader does not get the end of the
   * data (it would take what it has for the whole channel) until the feeder is stopped.
   */
  private static String pipeFailure(String fault) throws Exception {
    Host host = host("pipe-" + fault);
    FifoFeeder feeder = new PipeFeeder(host, "train", List.of(object("none"), object(fault)), new ObjectStores(store)).start();
    try {
      CompletableFuture<byte[]> read = reader(host.paths().channelPipe("train", 0));
      PlatformError e = awaitFailure(feeder);
      Thread.sleep(300);
      assertFalse(read.isDone(), "the reader still waits: the FIFO was not closed as if the data were complete");
      feeder.stop();
      read.get(10, TimeUnit.SECONDS);
      return e.getMessage();
    } finally {
      feeder.stop();
    }
  }

  @Test
  void pipeMode_storeFailuresFailTheFeederWithoutEndingTheData() throws Exception {
    assertEquals("channel 'train' of algo-1: s3://bad/train/close_early.csv ended after 494 of its 1000 bytes: the store cut it short; perhaps you should "
        + "check the store and run the job again", pipeFailure("close_early"));
    assertEquals("channel 'train' of algo-1: cannot read s3://bad/train/reset.csv after 494 of its 1000 bytes: "
        + "Connection reset", pipeFailure("reset"));
    int before = server.gets("bad", "train/server_error.csv");
    String serverError = pipeFailure("server_error");
    int attempts = server.gets("bad", "train/server_error.csv") - before;
    assertTrue(attempts > 1, "the SDK retried first: " + attempts);
    assertEquals("channel 'train' of algo-1: cannot read s3://bad/train/server_error.csv: InternalError: We "
        + "encountered an internal error. Please try again. (" + attempts + " attempts)", serverError);
    assertEquals("channel 'train' of algo-1: s3://bad/train/short_body.csv is 494 bytes long now, not the 1000 "
        + "bytes it was listed with: the store cut it short, or it changed after it was listed; perhaps you should check "
        + "the store and run the job again", pipeFailure("short_body"));
  }

  private static final java.util.Map<String, String> FASTFILE_FAILURES = java.util.Map.of(
      "server_error", "channel 'train' of algo-1: cannot read s3://bad/train/server_error.csv: InternalError: We "
          + "encountered an internal error. Please try again. (4 attempts)",
      "corrupt", "channel 'train' of algo-1: s3://bad/train/corrupt.csv does not match its checksum: its 1000 bytes "
          + "have the MD5 d5ae73795e2045d65435aead332b82f1, its ETag says b115eb211433c17aeaa4e7593018082e; perhaps "
          + "you should check the store and run the job again",
      "close_early", "channel 'train' of algo-1: s3://bad/train/close_early.csv ended after 494 of its 1000 bytes: "
          + "the store cut it short; perhaps you should check the store and run the job again");

  @Test
  void fastFileMode_storeFailuresFailTheFeederWithoutEndingTheFile() throws Exception {
    server.put("bad", "train/server_error.csv", ROWS, Fault.SERVER_ERROR); // counts its GETs from 0
    for (String fault : List.of("server_error", "corrupt", "close_early")) {
      Host host = host("fastfile-" + fault);
      FifoFeeder feeder = new FastFileFeeder(host, "train", List.of(object(fault)), new ObjectStores(store)).start();
      try {
        CompletableFuture<byte[]> read = reader(host.paths().channelDir("train").resolve(fault + ".csv"));
        PlatformError e = awaitFailure(feeder);
        // the SDK's attempts (4 by default) as this server counted them
        assertEquals(FASTFILE_FAILURES.get(fault).replace("(4 attempts)", "(" + server.gets("bad", "train/server_error.csv")
            + " attempts)"), e.getMessage());
        Thread.sleep(300);
        assertFalse(read.isDone(), "the reader still waits for the rest of " + fault + ".csv");
      } finally {
        feeder.stop();
      }
    }
  }

  @Test
  void pipeMode_aReaderHangingUpIsNoFailure() throws Exception {
    Host host = host("pipe-hangup");
    try (FifoFeeder feeder = new PipeFeeder(host, "train", List.of(object("none")), new ObjectStores(store)).start()) {
      try (InputStream in = Files.newInputStream(host.paths().channelPipe("train", 0))) {
        in.readNBytes(10);
      }
      Thread.sleep(500);
      assertEquals(Optional.empty(), feeder.failure());
    }
  }

  private static String planError(String prefix, InputMode mode) {
    TrainingJobRequest.ChannelRequest channel = new TrainingJobRequest.ChannelRequest("train",
        TrainingJobRequest.DataType.S3_PREFIX, new StoreUri("s3", "keys", prefix), false, Optional.of(ContentType.CSV), false,
        false, mode);
    return assertThrows(UserError.class, () -> new ChannelPlanner(new ObjectStores(store)).plan(channel)).getMessage();
  }

  @Test
  void plan_refusesKeysThatNameOneLocalPathInFileAndFastFileMode() {
    for (InputMode mode : List.of(InputMode.FILE, InputMode.FAST_FILE)) {
      assertEquals("channel 'train': objects s3://keys/same/./a.csv and s3://keys/same/a.csv both map to 'a.csv' in the "
          + "channel folder; perhaps you should rename or remove one of them", planError("same/", mode));
      assertEquals("channel 'train': objects s3://keys/slashes//a.csv and s3://keys/slashes/a.csv both map to 'a.csv' in "
          + "the channel folder; perhaps you should rename or remove one of them", planError("slashes/", mode));
      assertEquals("channel 'train': object s3://keys/folder/x/.. names the channel folder itself, not a file in it; "
          + "perhaps you should rename the object", planError("folder/", mode));
      assertEquals("channel 'train': object s3://keys/nested/a is the file 'a' and object s3://keys/nested/a/b.csv needs "
          + "'a' as a folder; perhaps you should rename one of them", planError("nested/", mode));
    }
  }

  @Test
  void plan_keepsSuchKeysInPipeMode_whereNamesMakeNoPaths() {
    TrainingJobRequest.ChannelRequest channel = new TrainingJobRequest.ChannelRequest("train",
        TrainingJobRequest.DataType.S3_PREFIX, new StoreUri("s3", "keys", "same/"), false, Optional.of(ContentType.CSV), false,
        false, InputMode.PIPE);
    assertEquals(List.of("same/./a.csv", "same/a.csv", "same/b.csv"), new ChannelPlanner(new ObjectStores(store))
        .plan(channel).objects().stream().map(o -> o.uri().key()).toList());
  }

  @Test
  void plan_refusesAManifestListingOneKeyTwice() {
    TrainingJobRequest.ChannelRequest channel = new TrainingJobRequest.ChannelRequest("train",
        TrainingJobRequest.DataType.MANIFEST_FILE, new StoreUri("s3", "keys", "twice.manifest"), false, Optional.empty(),
        false, false, InputMode.FILE);
    server.put("keys", "twice.manifest", "[{\"prefix\": \"s3://keys/same/\"}, \"b.csv\", \"b.csv\"]".getBytes());
    assertEquals("channel 'train': objects s3://keys/same/b.csv and s3://keys/same/b.csv both map to 'b.csv' in the "
        + "channel folder; perhaps you should list each key only once in the manifest",
        assertThrows(UserError.class, () -> new ChannelPlanner(new ObjectStores(store)).plan(channel)).getMessage());
  }
}
