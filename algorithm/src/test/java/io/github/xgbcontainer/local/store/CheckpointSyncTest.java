package io.github.xgbcontainer.local.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CheckpointSync} against a real S3-compatible server on loopback (s3proxy). */
class CheckpointSyncTest {

  @TempDir static Path dir;
  static S3Server server;
  static ObjectStores stores;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(dir);
    server.createBucket("checkpoints");
    stores = new ObjectStores(server.store(S3Store.DEFAULT_PART_SIZE));
  }

  @AfterAll
  static void stop() throws Exception {
    stores.close();
    server.close();
  }

  @Test
  void syncOnce_uploadsNewAndChangedFilesOnlyAndSkipsTemporaryOnes() throws Exception {
    Path local = Files.createDirectories(dir.resolve("once/algo-1/checkpoints"));
    CheckpointSync sync = new CheckpointSync(stores, new StoreUri("s3", "checkpoints", "once"), List.of(local));
    Files.writeString(local.resolve("xgboost-checkpoint.1"), "model 1");
    Files.writeString(local.resolve("xgboost-checkpoint.1.json"), "{}");
    Files.writeString(local.resolve(".xgboost-checkpoint.2.tmp"), "half written");
    Files.writeString(local.resolve("scratch.tmp"), "scratch");
    Files.writeString(local.resolve("being-uploaded"), "x");
    Files.writeString(local.resolve("being-uploaded" + CheckpointSync.UPLOADING), "");
    Files.createDirectories(local.resolve("rank-1"));
    Files.writeString(local.resolve("rank-1/state"), "s");

    assertEquals(3, sync.syncOnce());
    assertEquals(List.of("once/rank-1/state", "once/xgboost-checkpoint.1", "once/xgboost-checkpoint.1.json"),
        server.keys("checkpoints", "once/"));
    assertEquals(0, sync.syncOnce(), "nothing changed");

    Files.writeString(local.resolve("xgboost-checkpoint.1.json"), "{\"rounds\": 1}");
    Files.delete(local.resolve("xgboost-checkpoint.1"));
    Files.writeString(local.resolve("xgboost-checkpoint.2"), "model 2");
    assertEquals(2, sync.syncOnce());
    assertEquals("{\"rounds\": 1}", new String(server.get("checkpoints", "once/xgboost-checkpoint.1.json")));
    assertEquals(List.of("once/rank-1/state", "once/xgboost-checkpoint.1", "once/xgboost-checkpoint.1.json",
        "once/xgboost-checkpoint.2"), server.keys("checkpoints", "once/"), "a file deleted here stays in S3, as on SageMaker");
  }

  @Test
  void start_uploadsWhileRunningWithoutAFinalPass() throws Exception {
    Path local = Files.createDirectories(dir.resolve("timer/algo-1/checkpoints"));
    try (CheckpointSync sync = new CheckpointSync(stores, new StoreUri("s3", "checkpoints", "timer/"), List.of(local))) {
      sync.start(Duration.ofMillis(100));
      Files.writeString(local.resolve("xgboost-checkpoint.3"), "model 3");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (server.keys("checkpoints", "timer/").isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }
    assertEquals(List.of("timer/xgboost-checkpoint.3"), server.keys("checkpoints", "timer/"));
    assertEquals("model 3", new String(server.get("checkpoints", "timer/xgboost-checkpoint.3")));
  }

  @Test
  void restore_copiesTheObjectsIntoEveryHostAndDoesNotUploadThemAgain() throws Exception {
    server.put("checkpoints", "resume/xgboost-checkpoint.4", "model 4".getBytes());
    server.put("checkpoints", "resume/xgboost-checkpoint.4.json", "{}".getBytes());
    server.put("checkpoints", "resume-other/not-mine", "x".getBytes());
    List<Path> hosts = List.of(dir.resolve("resume/algo-1/checkpoints"), dir.resolve("resume/algo-2/checkpoints"));
    CheckpointSync sync = new CheckpointSync(stores, new StoreUri("s3", "checkpoints", "resume"), hosts);

    assertEquals(2, sync.restore());
    for (Path host : hosts) {
      assertEquals("model 4", Files.readString(host.resolve("xgboost-checkpoint.4")));
      assertEquals(List.of("xgboost-checkpoint.4", "xgboost-checkpoint.4.json"),
          Files.list(host).map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(0, sync.syncOnce());
  }
}
