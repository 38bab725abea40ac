package io.github.xgbcontainer.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hosts as three JVMs on this machine, {@code algo-1..3} mapped to 127.0.0.1..3 through the
 * JDK's hosts file, training through XGBoost's collective.
 */
class DistributedTrainIT {

  private static final List<String> HOSTS = List.of("algo-1", "algo-2", "algo-3");
  private static final String HP = "{\"num_round\": \"20\", \"objective\": \"reg:squarederror\", \"max_depth\": \"4\","
      + " \"eval_metric\": \"rmse\"}";
  private static final String CHANNELS = "{\"train\": {\"ContentType\": \"libsvm\", \"S3DistributionType\": \"ShardedByS3Key\"},"
      + " \"validation\": {\"ContentType\": \"libsvm\", \"S3DistributionType\": \"FullyReplicated\"}}";
  private static final int TIMEOUT = 5;

  @TempDir Path dir;
  private Path hostsFile;
  private final List<HostProcess> started = new ArrayList<>();
  private Map<String, String> env;
  private List<String> trainRows;
  private List<String> validationRows;

  @BeforeEach
  void setUp() throws IOException {
    hostsFile = dir.resolve("hosts");
    Files.writeString(hostsFile, "127.0.0.1 algo-1\n127.0.0.2 algo-2\n127.0.0.3 algo-3\n");
    env = new HashMap<>();
    env.put(ClusterSettings.TRACKER_PORT_ENV, Integer.toString(freePorts()));
    env.put(ClusterSettings.TIMEOUT_ENV, Integer.toString(TIMEOUT));
    env.put(ClusterSettings.HOST_WAIT_ENV, "60");
    trainRows = new ArrayList<>();
    for (String f : List.of("abalone.train_0", "abalone.train_1")) {
      trainRows.addAll(Files.readAllLines(HostProcess.ANCHOR.resolve("abalone/data/train").resolve(f)));
    }
    validationRows = Files.readAllLines(HostProcess.ANCHOR.resolve("abalone/data/validation/abalone.validation"));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (HostProcess p : started) {
      p.kill();
    }
  }

  /** Three consecutive ports free on 127.0.0.1..3: roster tracker, training tracker, liveness probe. */
  private static int freePorts() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(20_000, 50_000);
      boolean free = true;
      for (int p = port; p < port + 3 && free; p++) {
        for (int host = 1; host <= 3 && free; host++) {
          try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0." + host, p));
          } catch (IOException e) {
            free = false;
          }
        }
      }
      if (free) {
        return port;
      }
    }
    throw new IOException("no three free consecutive ports");
  }

  private HostProcess host(String name, List<String> hosts, String hp, String channels) throws IOException {
    return new HostProcess(dir, name, hosts).config(hp, channels).channel("validation", "abalone.validation", validationRows);
  }

  private HostProcess start(HostProcess p, Map<String, String> extra) throws IOException {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(extra);
    started.add(p);
    return p.start(hostsFile, all);
  }

  /** algo-1..3, each with a third of the abalone train rows (the last takes the remainder). */
  private List<HostProcess> threeShards() throws IOException {
    return threeShards(HP);
  }

  private List<HostProcess> threeShards(String hp) throws IOException {
    List<HostProcess> hosts = new ArrayList<>();
    int third = trainRows.size() / 3;
    for (int i = 0; i < 3; i++) {
      List<String> shard = trainRows.subList(i * third, i == 2 ? trainRows.size() : (i + 1) * third);
      hosts.add(host(HOSTS.get(i), HOSTS, hp, CHANNELS).channel("train", "part-" + i, shard));
    }
    return hosts;
  }

  /** The test hook that makes every rank write its booster into {@code folder}. */
  private static Map<String, String> rankModelEnv(Path folder) throws IOException {
    Files.createDirectories(folder);
    return Map.of(TrainingJobHook.RANK_MODEL_DIR_ENV, folder.toString());
  }

  private static double lastValidationRmse(HostProcess p) throws IOException {
    List<String> lines = p.metricLines();
    String last = lines.get(lines.size() - 1);
    return Double.parseDouble(last.replaceAll(".*validation-rmse:([0-9.]+).*", "$1"));
  }

  private static void assertExit(int expected, HostProcess p, long seconds) throws Exception {
    assertEquals(expected, p.await(seconds), p::toString);
  }

  /**
   * A spot restart of a 3-host job: the leader's checkpoints, restored into every host's folder as
   * SageMaker restores CheckpointConfig.S3Uri, resume every rank from the same round; a host that
   * lacks them stops the whole group with a clear error instead of a broken collective.
   */
  @Test
  void restart_everyRankResumesFromTheLeadersCheckpoint() throws Exception {
    Path rankModels = dir.resolve("rank-models");
    Map<String, String> debug = rankModelEnv(rankModels);
    List<HostProcess> hosts = threeShards();
    for (HostProcess h : hosts) {
      Files.writeString(h.root.resolve("input/config/checkpointconfig.json"),
          "{\"LocalPath\": \"" + h.root.resolve("checkpoints") + "\"}");
    }
    for (HostProcess p : hosts) {
      start(p, debug);
    }
    for (HostProcess p : hosts) {
      assertExit(0, p, 120);
    }
    Path leaderCheckpoints = hosts.get(0).root.resolve("checkpoints");
    assertTrue(Files.exists(leaderCheckpoints.resolve("xgboost-checkpoint.19.json")), hosts.get(0)::toString);
    assertFalse(Files.exists(hosts.get(1).root.resolve("checkpoints")), "only the leader writes checkpoints");

    // the restart: every host gets the leader's checkpoints and a longer job
    for (HostProcess p : hosts.subList(1, 3)) {
      Files.createDirectories(p.root.resolve("checkpoints"));
      try (Stream<Path> files = Files.list(leaderCheckpoints)) {
        for (Path f : files.toList()) {
          Files.copy(f, p.root.resolve("checkpoints").resolve(f.getFileName()));
        }
      }
    }
    // a restart runs on new instances; here, the same addresses: new ports, the old ones may linger
    env.put(ClusterSettings.TRACKER_PORT_ENV, Integer.toString(freePorts()));
    for (HostProcess p : hosts) {
      p.config(HP.replace("\"20\"", "\"30\""), CHANNELS);
      start(p, debug);
    }
    for (HostProcess p : hosts) {
      assertExit(0, p, 120);
      assertTrue(p.stderr().contains("resuming after round 19 of 30"), p::toString);
    }
    assertEquals(10, hosts.get(0).metricLines().size(), hosts.get(0)::toString);
    byte[] rank0 = Files.readAllBytes(rankModels.resolve("rank-0.ubj"));
    assertArrayEquals(rank0, Files.readAllBytes(rankModels.resolve("rank-1.ubj")));
    assertArrayEquals(rank0, Files.readAllBytes(rankModels.resolve("rank-2.ubj")));

    // a host whose folder was emptied by hand: nobody trains on a mismatched start
    try (Stream<Path> files = Files.list(hosts.get(2).root.resolve("checkpoints"))) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    env.put(ClusterSettings.TRACKER_PORT_ENV, Integer.toString(freePorts()));
    for (HostProcess p : hosts) {
      p.config(HP.replace("\"20\"", "\"40\""), CHANNELS);
      start(p, debug);
    }
    for (HostProcess p : hosts) {
      assertExit(2, p, 120);
      assertTrue(p.failure().startsWith("PlatformError: the hosts found different checkpoints to resume from: the "
          + "leader algo-1 (127.0.0.1) has 30 rounds, this host "), p::toString);
    }
  }

  @Test
  void threeShards_identicalBoostersOnAllRanks_evenWithAHostTwentySecondsLate() throws Exception {
    Path rankModels = dir.resolve("rank-models");
    Map<String, String> debug = rankModelEnv(rankModels);
    List<HostProcess> hosts = threeShards();
    HostProcess single = host("single", List.of("single"), HP, CHANNELS).channel("train", "all", trainRows);
    start(hosts.get(0), debug);
    start(hosts.get(1), debug);
    start(single, Map.of());
    assertExit(0, single, 120);
    Thread.sleep(20_000 - 0);
    start(hosts.get(2), debug);
    for (HostProcess p : hosts) {
      assertExit(0, p, 120);
    }

    byte[] rank0 = Files.readAllBytes(rankModels.resolve("rank-0.ubj"));
    assertArrayEquals(rank0, Files.readAllBytes(rankModels.resolve("rank-1.ubj")));
    assertArrayEquals(rank0, Files.readAllBytes(rankModels.resolve("rank-2.ubj")));
    assertArrayEquals(rank0, Files.readAllBytes(hosts.get(0).model()));
    // only the leader prints metrics and writes the model and output/data
    assertEquals(20, hosts.get(0).metricLines().size(), hosts.get(0)::toString);
    assertTrue(hosts.get(0).hasOutputData());
    for (HostProcess worker : hosts.subList(1, 3)) {
      assertEquals(List.of(), worker.metricLines(), worker::toString);
      assertFalse(Files.exists(worker.model()), worker::toString);
      assertFalse(worker.hasOutputData(), worker::toString);
    }
    double distributed = lastValidationRmse(hosts.get(0));
    double whole = lastValidationRmse(single);
    assertTrue(Math.abs(distributed - whole) < 0.02 * whole, "3 hosts " + distributed + " vs 1 host " + whole);
    assertTrue(hosts.get(2).stderr().contains("joined the training group as rank 2 of 3 (algo-1, algo-2, algo-3)"),
        hosts.get(2)::toString);
  }

  /**
   * Issue 17, several hosts: with {@code external_memory=true} each host pages its own shard to disk
   * and trains from an external-memory QuantileDMatrix; the collective is the same, so the ranks end
   * with one booster, and the job prints the metric lines of the same three hosts trained in memory.
   */
  @Test
  void threeShards_fromExternalMemory_identicalBoosters_andTheValidationScoreOfTheJobInMemory() throws Exception {
    Path rankModels = dir.resolve("rank-models");
    Map<String, String> debug = rankModelEnv(rankModels);
    List<HostProcess> inMemory = threeShards(HP.replace("}", ", \"external_memory\": \"false\"}"));
    for (HostProcess p : inMemory) {
      start(p, Map.of());
    }
    for (HostProcess p : inMemory) {
      assertExit(0, p, 120);
    }
    for (HostProcess p : inMemory) {
      assertTrue(p.stderr().contains("external_memory=false: training in memory"), p::toString);
    }

    env.put(ClusterSettings.TRACKER_PORT_ENV, Integer.toString(freePorts())); // the old ports may linger
    List<HostProcess> external = new ArrayList<>();
    int third = trainRows.size() / 3;
    String hp = HP.replace("}", ", \"external_memory\": \"true\"}");
    for (int i = 0; i < 3; i++) {
      List<String> shard = trainRows.subList(i * third, i == 2 ? trainRows.size() : (i + 1) * third);
      external.add(new HostProcess(dir.resolve("external"), HOSTS.get(i), HOSTS).config(hp, CHANNELS)
          .channel("validation", "abalone.validation", validationRows).channel("train", "part-" + i, shard));
    }
    for (HostProcess p : external) {
      start(p, debug);
    }
    for (HostProcess p : external) {
      assertExit(0, p, 120);
    }
    for (HostProcess p : external) {
      String log = p.stderr();
      assertTrue(log.contains("external_memory=true: training from external memory"), p::toString);
      assertTrue(log.contains("training matrix: external-memory QuantileDMatrix"), p::toString);
    }
    assertTrue(external.get(2).stderr().contains("joined the training group as rank 2 of 3 (algo-1, algo-2, algo-3)"),
        external.get(2)::toString);
    byte[] rank0 = Files.readAllBytes(rankModels.resolve("rank-0.ubj"));
    assertArrayEquals(rank0, Files.readAllBytes(rankModels.resolve("rank-1.ubj")));
    assertArrayEquals(rank0, Files.readAllBytes(rankModels.resolve("rank-2.ubj")));
    assertArrayEquals(rank0, Files.readAllBytes(external.get(0).model()));
    assertEquals(20, external.get(0).metricLines().size(), external.get(0)::toString);
    // the same cuts and histograms as in memory, so the same scores: identical in every run here,
    // checked as the issue asks (within 1%) so that a sketch merged in another order elsewhere passes
    double expected = lastValidationRmse(inMemory.get(0));
    assertEquals(expected, lastValidationRmse(external.get(0)), expected * 0.01,
        "3 hosts from external memory reach the validation rmse of 3 hosts in memory within 1%");
  }

  /**
   * The container's own metrics on two hosts with shards of unequal size: the hosts sum their
   * statistics, so the leader prints the scores of the whole train set (not the mean of two hosts'
   * scores), which the saved model reproduces on all rows.
   */
  @Test
  void containerMetrics_onUnequalShards_scoreTheWholeTrainSet() throws Exception {
    List<String> two = HOSTS.subList(0, 2);
    String hp = "{\"num_round\": \"5\", \"max_depth\": \"3\", \"eval_metric\": \"mae,r2\"}";
    int quarter = trainRows.size() / 4;
    List<HostProcess> hosts = List.of(
        host("algo-1", two, hp, CHANNELS).channel("train", "part-0", trainRows.subList(0, quarter)),
        host("algo-2", two, hp, CHANNELS).channel("train", "part-1", trainRows.subList(quarter, trainRows.size())));
    for (HostProcess p : hosts) {
      start(p, Map.of());
    }
    for (HostProcess p : hosts) {
      assertExit(0, p, 120);
    }
    List<String> lines = hosts.get(0).metricLines();
    assertEquals(5, lines.size(), hosts.get(0)::toString);
    String last = lines.get(4);
    double mae = Double.parseDouble(last.replaceAll(".*\ttrain-mae:([0-9.]+).*", "$1"));
    double r2 = Double.parseDouble(last.replaceAll(".*\ttrain-r2:([-0-9.]+).*", "$1"));

    // the reference: the leader's model on every train row, LibSVM indices as written
    int rows = trainRows.size();
    float[] values = new float[rows * 9];
    java.util.Arrays.fill(values, Float.NaN);
    float[] labels = new float[rows];
    for (int i = 0; i < rows; i++) {
      String[] fields = trainRows.get(i).trim().split("\\s+");
      labels[i] = Float.parseFloat(fields[0]);
      for (int f = 1; f < fields.length; f++) {
        String[] pair = fields[f].split(":");
        values[i * 9 + Integer.parseInt(pair[0])] = Float.parseFloat(pair[1]);
      }
    }
    ml.dmlc.xgboost4j.java.DMatrix all = new ml.dmlc.xgboost4j.java.DMatrix(values, rows, 9, Float.NaN);
    ml.dmlc.xgboost4j.java.Booster booster =
        ml.dmlc.xgboost4j.java.XGBoost.loadModel(Files.newInputStream(hosts.get(0).model()));
    float[][] predicted = booster.predict(all);
    booster.dispose();
    all.dispose();
    double absolute = 0, squares = 0, mean = 0, total = 0;
    for (float y : labels) {
      mean += y / (double) rows;
    }
    for (int i = 0; i < rows; i++) {
      double error = labels[i] - (double) predicted[i][0];
      absolute += Math.abs(error);
      squares += error * error;
      total += (labels[i] - mean) * (labels[i] - mean);
    }
    assertEquals(absolute / rows, mae, 1e-5, last);
    assertEquals(1 - squares / total, r2, 1e-5, last);
  }

  @Test
  void emptyShard_thatHostLeavesCleanly_andTheOthersTrainOnThePlainMatrix() throws Exception {
    Path rankModels = dir.resolve("rank-models");
    Map<String, String> debug = rankModelEnv(rankModels);
    String hp = HP.replace("}", ", \"tree_method\": \"approx\"}");
    int half = trainRows.size() / 2;
    List<HostProcess> hosts = List.of(
        host("algo-1", HOSTS, hp, CHANNELS).channel("train", "part-0", trainRows.subList(0, half)),
        host("algo-2", HOSTS, hp, CHANNELS).channel("train", null, List.of()),
        host("algo-3", HOSTS, hp, CHANNELS).channel("train", "part-1", trainRows.subList(half, trainRows.size())));
    for (HostProcess p : hosts) {
      start(p, debug);
    }
    for (HostProcess p : hosts) {
      assertExit(0, p, 120);
    }
    assertTrue(hosts.get(1).stderr().contains("host algo-2 has no files in channel 'train' (ShardedByS3Key): it leaves "
        + "the job, and algo-1, algo-3 train without it"), hosts.get(1)::toString);
    assertNull(hosts.get(1).failure());
    assertTrue(hosts.get(0).stderr().contains("training matrix: plain DMatrix"),
        hosts.get(0)::toString);
    assertArrayEquals(Files.readAllBytes(rankModels.resolve("rank-0.ubj")),
        Files.readAllBytes(rankModels.resolve("rank-1.ubj")));
    assertEquals(20, hosts.get(0).metricLines().size(), hosts.get(0)::toString);
    assertTrue(Files.exists(hosts.get(0).model()));
    assertFalse(Files.exists(hosts.get(2).model()));
  }

  /**
   * Spark writes a 0-byte part- file for an empty partition (gzip around nothing when compressed): a
   * host given only such files leaves too.
   */
  @Test
  void shardOfEmptyFiles_thatHostLeavesAsAHostWithoutFilesDoes() throws Exception {
    List<String> two = HOSTS.subList(0, 2);
    HostProcess leader = host("algo-1", two, HP, CHANNELS).channel("train", "part-00000", trainRows);
    HostProcess empty = host("algo-2", two, HP, CHANNELS).channel("train", "part-00001", List.of())
        .channel("train", "part-00002", List.of());
    new java.util.zip.GZIPOutputStream(Files.newOutputStream(empty.root.resolve("input/data/train/part-00003.gz"))).close();
    start(leader, Map.of());
    start(empty, Map.of());
    assertExit(0, empty, 120);
    assertExit(0, leader, 120);
    assertTrue(empty.stderr().contains("host algo-2 has only empty files in channel 'train' (ShardedByS3Key): it "
        + "leaves the job, and algo-1 trains without it"), empty::toString);
    assertNull(empty.failure());
    assertEquals(20, leader.metricLines().size(), leader::toString);
    assertTrue(Files.exists(leader.model()));
  }

  /**
   * A host whose shard is malformed fails before the training group forms; it still joins the
   * roster to say so, and the others stop at once instead of waiting for it until the host wait
   * (60 s here) runs out.
   */
  @Test
  void hostFailingBeforeTheGroupForms_theOthersStopWithinTheTimeout() throws Exception {
    List<HostProcess> hosts = threeShards();
    hosts.get(1).channel("train", "part-1", List.of("1 0:0.5", "2 0:x"));
    for (HostProcess p : hosts) {
      start(p, Map.of());
    }
    HostProcess failing = hosts.get(1);
    assertExit(1, failing, 120);
    assertEquals("ClientError: channel 'train', file 'part-1', line 2, column 2: the value 'x' is not a number\n",
        failing.failure(), failing::toString);
    for (HostProcess p : List.of(hosts.get(0), hosts.get(2))) {
      int code = p.await(TIMEOUT + 10);
      assertNotEquals(-1, code, () -> "still waiting " + (TIMEOUT + 10) + " s after algo-2 failed: " + p);
      assertEquals(1, code, p::toString);
      assertEquals("ClientError: host algo-2 failed before the training group formed (ClientError; its failure "
          + "file says why), so the job cannot train and host " + p.host + " stops too\n", p.failure(), p::toString);
      assertFalse(Files.exists(p.model()), p::toString);
    }
  }

  @Test
  void noHostHasData_isAUserError() throws Exception {
    List<HostProcess> hosts = new ArrayList<>();
    for (String h : HOSTS.subList(0, 2)) {
      hosts.add(start(host(h, HOSTS.subList(0, 2), HP, CHANNELS).channel("train", null, List.of()), Map.of()));
    }
    for (HostProcess p : hosts) {
      assertExit(1, p, 120);
      assertEquals("ClientError: no host has data to train on: each of the 2 hosts (algo-1, algo-2) lacks files in a "
          + "channel (here: no files in channel 'train' (ShardedByS3Key)); perhaps you should give a ShardedByS3Key "
          + "channel at least as many files as hosts, or use FullyReplicated\n", p.failure(), p::toString);
    }
  }

  private List<HostProcess> startLongJob() throws Exception {
    String hp = HP.replace("\"20\"", "\"100000\"");
    List<HostProcess> hosts = new ArrayList<>();
    int third = trainRows.size() / 3;
    for (int i = 0; i < 3; i++) {
      hosts.add(start(host(HOSTS.get(i), HOSTS, hp, CHANNELS)
          .channel("train", "part-" + i, trainRows.subList(i * third, (i + 1) * third)), Map.of()));
    }
    // wait until training runs: the leader prints its fifth metric line
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (hosts.get(0).metricLines().size() < 5) {
      assertTrue(System.nanoTime() < deadline, hosts.get(0)::toString);
      assertTrue(hosts.stream().allMatch(HostProcess::alive), hosts::toString);
      Thread.sleep(200);
    }
    return hosts;
  }

  private void assertOthersFailNaming(List<HostProcess> hosts, int lost) throws Exception {
    // the bound: dmlc_timeout, two seconds of probing, three of grace, and JVM exit
    long bound = TIMEOUT + 2 + 3 + 10;
    String name = HOSTS.get(lost);
    for (int i = 0; i < hosts.size(); i++) {
      if (i == lost) {
        continue;
      }
      HostProcess p = hosts.get(i);
      int code = p.await(bound);
      assertNotEquals(-1, code, () -> "still running after " + bound + " s: " + p);
      assertEquals(2, code, p::toString);
      String failure = p.failure();
      assertTrue(failure != null && failure.startsWith("PlatformError: lost host " + name + " (127.0.0."
          + (lost + 1) + ") during training: it does not answer (killed, frozen or cut off), so the training group "
          + "(algo-1, algo-2, algo-3) cannot go on; SM_COLLECTIVE_TIMEOUT_SECONDS is " + TIMEOUT + " s. XGBoost: "),
          p::toString);
    }
  }

  @Test
  void killedWorker_theOthersFailWithinTheBound_namingIt() throws Exception {
    List<HostProcess> hosts = startLongJob();
    hosts.get(1).signal("KILL");
    assertOthersFailNaming(hosts, 1);
  }

  @Test
  void stoppedWorker_theOthersFailWithinTheBound_namingIt() throws Exception {
    List<HostProcess> hosts = startLongJob();
    hosts.get(2).signal("STOP");
    assertOthersFailNaming(hosts, 2);
  }

  /** The name of the debug variable, kept in one place. */
  private static final class TrainingJobHook {
    static final String RANK_MODEL_DIR_ENV = io.github.xgbcontainer.train.TrainingJob.RANK_MODEL_DIR_ENV;
  }
}
