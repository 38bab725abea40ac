package io.github.xgbcontainer.local.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.local.host.Host;
import io.github.xgbcontainer.local.plan.ChannelObject;
import io.github.xgbcontainer.local.plan.ChannelPlan;
import io.github.xgbcontainer.local.plan.ChannelPlanner;
import io.github.xgbcontainer.local.plan.TrainingJobRequest;
import io.github.xgbcontainer.local.store.ObjectStores;
import io.github.xgbcontainer.local.store.S3Server;
import io.github.xgbcontainer.local.store.S3Store;
import io.github.xgbcontainer.local.store.StoreUri;
import io.github.xgbcontainer.local.store.StoredObject;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 channels against a real S3-compatible server on loopback: {@link S3Store}, {@link ChannelPlanner}
 * (prefixes, manifests, request errors), {@link PipeFeeder} and {@link FastFileFeeder} streaming objects
 * into FIFOs.
 */
class S3ChannelsTest {

  @TempDir static Path dir;
  static S3Server server;
  static S3Store store;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(dir);
    server.createBucket("data");
    store = server.store(5L << 20);
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    server.close();
  }

  @Test
  void list_pagesPastOneThousandObjects() throws Exception {
    // written straight into the filesystem backend: 1,005 PUTs would only test the server
    for (int i = 0; i < 1_005; i++) {
      server.putFile("data", String.format("many/part-%05d.csv", i), "1,2\n".getBytes());
    }
    List<StoredObject> objects = store.list(new StoreUri("s3", "data", "many/"));
    assertEquals(1_005, objects.size());
    assertEquals("many/part-00000.csv", objects.get(0).uri().key());
    assertEquals("many/part-01004.csv", objects.get(1_004).uri().key());
    assertEquals(4, objects.get(7).size());
  }

  @Test
  void upload_goesMultipartAboveThePartSizeAndRoundTrips() throws Exception {
    byte[] bytes = new byte[11 << 20];
    new Random(7).nextBytes(bytes);
    Path file = dir.resolve("model.tar.gz");
    Files.write(file, bytes);
    store.upload(file, new StoreUri("s3", "data", "out/model.tar.gz"));
    String etag = server.client().headObject(r -> r.bucket("data").key("out/model.tar.gz")).eTag();
    assertTrue(etag.replace("\"", "").endsWith("-3"), "a 3-part upload's ETag, got " + etag);
    Path back = dir.resolve("back");
    store.download(new StoredObject(new StoreUri("s3", "data", "out/model.tar.gz"), bytes.length), back);
    assertArrayEquals(bytes, Files.readAllBytes(back));
  }

  @Test
  void list_missingBucketIsTheUsersError() {
    UserError e = assertThrows(UserError.class, () -> store.list(new StoreUri("s3", "no-such-bucket", "train/")));
    assertEquals("bucket 'no-such-bucket' of s3://no-such-bucket/train/ does not exist: perhaps you should create it "
        + "or check the URI", e.getMessage());
  }

  private static ObjectStores stores() {
    return new ObjectStores(store);
  }

  private static TrainingJobRequest.ChannelRequest channel(TrainingJobRequest.DataType type, String uri, boolean sharded) {
    return new TrainingJobRequest.ChannelRequest("train", type, StoreUri.parse("S3Uri", uri), sharded,
        Optional.of(ContentType.CSV), false, false, InputMode.FILE);
  }

  @Test
  void plan_manifestListsObjectsUnderItsPrefix() throws Exception {
    server.putFile("data", "m/files/b.csv", "2,1\n".getBytes());
    server.putFile("data", "m/files/sub/a.csv", "1,1\n".getBytes());
    server.putFile("data", "m/files/ignored.csv", "9,9\n".getBytes());
    server.put("data", "m/train.manifest", "[{\"prefix\": \"s3://data/m/files/\"}, \"sub/a.csv\", \"b.csv\"]".getBytes());
    ChannelPlan plan = new ChannelPlanner(stores()).plan(channel(TrainingJobRequest.DataType.MANIFEST_FILE,
        "s3://data/m/train.manifest", false));
    assertEquals(List.of("b.csv", "sub/a.csv"), plan.objects().stream().map(ChannelObject::localName).toList());
    assertEquals("s3://data/m/files/sub/a.csv", plan.objects().get(1).uri().toString());
  }

  @Test
  void plan_rejectsBadManifestsAndEmptyPrefixes() throws Exception {
    server.put("data", "bad/not-json.manifest", "[{\"prefix\": ".getBytes());
    server.put("data", "bad/no-prefix.manifest", "[\"a.csv\"]".getBytes());
    server.put("data", "bad/missing.manifest", "[{\"prefix\": \"s3://data/bad/\"}, \"nowhere.csv\"]".getBytes());
    ChannelPlanner planner = new ChannelPlanner(stores());
    assertEquals("channel 'train': manifest s3://data/bad/not-json.manifest is not valid JSON (line 1): "
        + "Unexpected end-of-input within/between Object entries",
        assertThrows(UserError.class, () -> planner.plan(channel(TrainingJobRequest.DataType.MANIFEST_FILE,
            "s3://data/bad/not-json.manifest", false))).getMessage());
    assertEquals("channel 'train': manifest s3://data/bad/no-prefix.manifest must be a JSON list starting with "
        + "{\"prefix\": \"s3://bucket/prefix/\"}, followed by keys relative to that prefix",
        assertThrows(UserError.class, () -> planner.plan(channel(TrainingJobRequest.DataType.MANIFEST_FILE,
            "s3://data/bad/no-prefix.manifest", false))).getMessage());
    assertEquals("channel 'train': manifest s3://data/bad/missing.manifest: entry 1 'nowhere.csv' does not exist "
        + "(s3://data/bad/nowhere.csv): perhaps you should upload it or remove it from the manifest",
        assertThrows(UserError.class, () -> planner.plan(channel(TrainingJobRequest.DataType.MANIFEST_FILE,
            "s3://data/bad/missing.manifest", false))).getMessage());
    assertEquals("channel 'train': no objects under s3://data/empty/: perhaps you should check S3Uri or upload "
        + "the data first", assertThrows(UserError.class, () -> planner.plan(channel(
            TrainingJobRequest.DataType.S3_PREFIX, "s3://data/empty/", false))).getMessage());
  }

  @Test
  void pipeFeeder_streamsTheHostsObjectsIntoEachEpochsFifo() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write("3,1\n".getBytes());
    }
    server.put("data", "pipe/a.csv", "1,1\n".getBytes());
    server.put("data", "pipe/b.csv.gz", gz.toByteArray());
    ChannelPlan plan = new ChannelPlanner(stores()).plan(channel(TrainingJobRequest.DataType.S3_PREFIX,
        "s3://data/pipe/", false));
    Host host = new Host("algo-1", 0, new SageMakerPaths(dir.resolve("pipe-host")));
    byte[] expected = concat("1,1\n".getBytes(), gz.toByteArray());
    try (FifoFeeder feeder = new PipeFeeder(host, "train", plan.objects(), stores()).start()) {
      for (int epoch = 0; epoch < 2; epoch++) {
        Path fifo = host.paths().channelPipe("train", epoch);
        waitFor(fifo);
        assertTrue(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class).isOther(), fifo + " is a FIFO");
        try (InputStream in = Files.newInputStream(fifo)) {
          assertArrayEquals(expected, in.readAllBytes(), "epoch " + epoch);
        }
      }
    }
  }

  private static ChannelPlan fastFilePlan() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write("3,1\n".getBytes());
    }
    server.put("data", "ff/b.csv", "2,1\n".getBytes());
    server.put("data", "ff/a/x.csv.gz", gz.toByteArray());
    server.put("data", "ff/c.csv", "4,1\n".getBytes());
    server.put("data", "ff/_SUCCESS", new byte[0]);
    return new ChannelPlanner(stores()).plan(channel(TrainingJobRequest.DataType.S3_PREFIX, "s3://data/ff/", false));
  }

  private static List<Path> tree(Path dir) throws Exception {
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !Files.isDirectory(p)).map(dir::relativize).sorted().toList();
    }
  }

  @Test
  void fastFileFeeder_makesAFifoPerObjectAndStreamsEachWhenReadInPathOrder() throws Exception {
    ChannelPlan plan = fastFilePlan();
    Host host = new Host("algo-1", 0, new SageMakerPaths(dir.resolve("fastfile-host")));
    Path channel = host.paths().channelDir("train");
    try (FifoFeeder feeder = new FastFileFeeder(host, "train", plan.objects(), stores()).start()) {
      assertEquals(List.of(Path.of("_SUCCESS"), Path.of("a/x.csv.gz"), Path.of("b.csv"), Path.of("c.csv")), tree(channel),
          "every object has its File-mode name at once");
      for (Path p : tree(channel)) {
        assertTrue(isFifo(channel.resolve(p)), p + " is a FIFO, not a copy");
      }
      // as the container reads: every name but _SUCCESS, in path order, each to its end
      List<String> read = new ArrayList<>();
      for (String name : List.of("a/x.csv.gz", "b.csv", "c.csv")) {
        try (InputStream in = new java.io.BufferedInputStream(new java.io.FileInputStream(channel.resolve(name).toFile()))) {
          read.add(name + "=" + in.readAllBytes().length);
        }
      }
      long gz = plan.objects().stream().filter(o -> o.localName().equals("a/x.csv.gz")).findFirst().orElseThrow().size();
      assertEquals(List.of("a/x.csv.gz=" + gz, "b.csv=4", "c.csv=4"), read, "the bytes as stored: no decompression here");
      feeder.stop();
      assertTrue(feeder.finished(), "the feeder is done after the last object");
    }
  }

  @Test
  void fastFileFeeder_stopReleasesTheWriterWhenTheHostNeverReads() throws Exception {
    ChannelPlan plan = fastFilePlan();
    Host host = new Host("algo-1", 0, new SageMakerPaths(dir.resolve("fastfile-unread")));
    FifoFeeder feeder = new FastFileFeeder(host, "train", plan.objects(), stores()).start();
    assertFalse(feeder.finished(), "waiting in open() for a reader");
    feeder.stop();
    assertTrue(feeder.finished(), "released by stop()");
  }

  @Test
  void fastFileFeeder_refusesTwoObjectsWithOneName() {
    Host host = new Host("algo-1", 0, new SageMakerPaths(dir.resolve("fastfile-twice")));
    ChannelObject a = new ChannelObject(StoreUri.parse("S3Uri", "s3://data/m/a.csv"), 4, "a.csv");
    UserError e = assertThrows(UserError.class, () -> new FastFileFeeder(host, "train", List.of(a, a), stores()).start());
    assertEquals("channel 'train': objects s3://data/m/a.csv and s3://data/m/a.csv both map to 'a.csv'; in FastFile "
        + "mode each file is read once, perhaps you should list each key only once in the manifest", e.getMessage());
  }

  /** The st_mode type bits say FIFO. */
  static boolean isFifo(Path p) throws Exception {
    return (((Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS)) & 0170000) == 0010000;
  }

  private static void waitFor(Path fifo) throws InterruptedException {
    for (int i = 0; i < 100 && !Files.exists(fifo); i++) {
      Thread.sleep(50);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
