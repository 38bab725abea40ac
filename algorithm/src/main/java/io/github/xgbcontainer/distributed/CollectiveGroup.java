package io.github.xgbcontainer.distributed;

import io.github.xgbcontainer.error.PlatformError;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import ml.dmlc.xgboost4j.java.Communicator;
import ml.dmlc.xgboost4j.java.RabitTracker;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * One XGBoost collective: the process-wide {@code Communicator}, joined with a rank, and on rank 0
 * the {@code RabitTracker} that brokers it. While a group is open, XGBoost allreduces what it must
 * (quantile sketches, histograms, evaluation sums) across the members.
 *
 * <p>{@link #close()} is the clean end (every member shuts down, the leader waits for the tracker
 * to finish); {@link #abandon()} is the end after a failure: no handshake with hosts that may be
 * gone, and the tracker is freed at once. The tracker lives in the leader's JVM, so it never
 * outlives the job.
 */
public final class CollectiveGroup implements AutoCloseable {

  private static final long FIRST_RETRY_MILLIS = 1_000;
  private static final long MAX_RETRY_MILLIS = 15_000;

  private final String purpose;
  private final List<Member> members;
  private final int rank;
  private final int port;
  private final int timeoutSeconds;
  private final Consumer<String> log;
  private RabitTracker tracker;
  private boolean joined;

  private CollectiveGroup(String purpose, List<Member> members, int rank, int port, int timeoutSeconds,
      Consumer<String> log) {
    this.purpose = purpose;
    this.members = List.copyOf(members);
    this.rank = rank;
    this.port = port;
    this.timeoutSeconds = timeoutSeconds;
    this.log = log;
  }

  /**
   * Joins a group: rank 0 starts the tracker on its own address first; every member connects to it,
   * retrying for up to {@code connectWaitSeconds} while the leader is not listening yet.
   *
   * @param purpose what the group is for, in messages ({@code roster}, {@code training})
   * @param members the group in rank order; the first runs the tracker
   * @param rank this host's index in {@code members}
   * @param timeoutSeconds XGBoost's {@code dmlc_timeout}: bootstrap and every collective operation
   */
  public static CollectiveGroup join(String purpose, List<Member> members, int rank, int port, int timeoutSeconds,
      long connectWaitSeconds, Consumer<String> log) {
    return join(purpose, members, rank, port, timeoutSeconds, connectWaitSeconds, () -> { }, log);
  }

  /**
   * As {@link #join(String, List, int, int, int, long, Consumer)}, running {@code beforeInit} once the
   * leader's tracker is up (on the leader) or before connecting (on the others).
   */
  public static CollectiveGroup join(String purpose, List<Member> members, int rank, int port, int timeoutSeconds,
      long connectWaitSeconds, Runnable beforeInit, Consumer<String> log) {
    CollectiveGroup group = new CollectiveGroup(purpose, members, rank, port, timeoutSeconds, log);
    try {
      if (rank == 0) {
        group.startTracker();
      }
      beforeInit.run();
      group.init(connectWaitSeconds);
      return group;
    } catch (RuntimeException e) {
      group.abandon();
      throw e;
    }
  }

  public int rank() {
    return rank;
  }

  public int size() {
    return members.size();
  }

  public List<Member> members() {
    return members;
  }

  public boolean isLeader() {
    return rank == 0;
  }

  private Member leader() {
    return members.get(0);
  }

  private void startTracker() {
    Member self = leader();
    // The native tracker's own bind error does not say which port; a Java bind first names it.
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(self.address(), port));
    } catch (IOException e) {
      throw new PlatformError("cannot start the " + purpose + " tracker on host " + self.describe() + " port "
          + port + ": " + e.getMessage() + "; perhaps another process holds the port: set "
          + ClusterSettings.TRACKER_PORT_ENV + " to a free port (the same on every host; the next port is used too)", e);
    }
    try {
      // timeout 0: the tracker waits as long as its workers; dmlc_timeout bounds the workers instead
      tracker = new RabitTracker(members.size(), self.address().getHostAddress(), port, 0);
      tracker.start();
    } catch (XGBoostError e) {
      throw new PlatformError("cannot start the " + purpose + " tracker on host " + self.describe() + " port "
          + port + ": " + XgboostMessages.firstLine(e.getMessage()), e);
    }
    log.accept("started the " + purpose + " tracker on " + self.describe() + " port " + port + " for "
        + members.size() + " hosts");
  }

  private void init(long connectWaitSeconds) {
    Map<String, Object> args = new HashMap<>();
    args.put("dmlc_tracker_uri", leader().address().getHostAddress());
    args.put("dmlc_tracker_port", port);
    args.put("dmlc_task_id", Integer.toString(rank));
    args.put("dmlc_timeout", Integer.valueOf(timeoutSeconds)); // an Integer: xgboost4j rejects a String
    long start = System.nanoTime();
    long delay = FIRST_RETRY_MILLIS;
    for (int attempt = 1; ; attempt++) {
      try {
        Communicator.init(args);
        joined = true;
        break;
      } catch (XGBoostError e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        long waited = (System.nanoTime() - start) / 1_000_000_000L;
        if (!message.contains("Failed to connect to the tracker")) {
          throw new PlatformError(String.format(Locale.ROOT,
              "host %s could not form the %s group of %d hosts (%s) with the tracker on %s port %d within "
              + "%d s: %s; perhaps a host failed to start or stopped", members.get(rank).host(), purpose,
              members.size(), hostNames(), leader().describe(), port, timeoutSeconds,
              XgboostMessages.detail(message)), e);
        }
        if (waited >= connectWaitSeconds) {
          throw new PlatformError(String.format(Locale.ROOT,
              "cannot reach the %s tracker on host %s port %d within %d s (%d attempts); perhaps the leader "
              + "failed to start, or a firewall blocks the port", purpose, leader().describe(), port, waited,
              attempt), e);
        }
        log.accept(String.format(Locale.ROOT, "the %s tracker on %s port %d does not answer yet (attempt %d); "
            + "retrying in %d s", purpose, leader().describe(), port, attempt, delay / 1000));
        sleep(delay);
        delay = Math.min(delay * 2, MAX_RETRY_MILLIS);
      }
    }
    try {
      int world = Communicator.getWorldSize();
      if (world != members.size()) {
        throw new PlatformError("the " + purpose + " group has " + world + " members, expected " + members.size());
      }
      if (Communicator.getRank() != rank) {
        log.accept("XGBoost gave host " + members.get(rank).host() + " collective rank " + Communicator.getRank()
            + " (ours: " + rank + "); only our rank decides who writes the model");
      }
    } catch (XGBoostError e) {
      throw new PlatformError("the " + purpose + " group: " + XgboostMessages.firstLine(e.getMessage()), e);
    }
    log.accept(String.format(Locale.ROOT, "joined the %s group as rank %d of %d (%s), dmlc_timeout %d s",
        purpose, rank, members.size(), hostNames(), timeoutSeconds));
  }

  /**
   * Sums {@code values} over the group. xgboost4j's {@code allReduce} ignores the native return
   * code, so the first slot counts the members that took part: anything but the group size is a
   * failure.
   */
  public float[] sum(float[] values) {
    float[] buffer = new float[values.length + 1];
    buffer[0] = 1f;
    System.arraycopy(values, 0, buffer, 1, values.length);
    float[] result = Communicator.allReduce(buffer, Communicator.OpType.SUM);
    if (Math.round(result[0]) != members.size()) {
      throw new PlatformError("the " + purpose + " exchange among " + hostNames() + " failed: "
          + Math.round(result[0]) + " of " + members.size() + " hosts took part; perhaps a host stopped");
    }
    float[] sums = new float[values.length];
    System.arraycopy(result, 1, sums, 0, values.length);
    return sums;
  }

  /** Host names joined, for messages. */
  public String hostNames() {
    return String.join(", ", members.stream().map(Member::host).toList());
  }

  /** The clean end: shut the communicator down; the leader waits for the tracker, then frees it. */
  @Override
  public void close() {
    try {
      if (joined) {
        joined = false;
        Communicator.shutdown();
      }
    } catch (XGBoostError e) {
      log.accept("shutting down the " + purpose + " group: " + XgboostMessages.firstLine(e.getMessage()));
    } finally {
      if (tracker != null) {
        awaitTracker(Math.min(timeoutSeconds, 30) * 1000L);
        stopTracker();
      }
    }
  }

  /**
   * The end after a failure: no shutdown handshake (the other hosts may be gone), the tracker freed
   * at once.
   */
  public void abandon() {
    joined = false;
    stopTracker();
  }

  /**
   * The tracker finishes once every worker has shut down; xgboost4j waits for that on a private
   * daemon thread, and a second native wait on the same tracker is not safe, so join that thread.
   */
  private void awaitTracker(long millis) {
    try {
      Field f = RabitTracker.class.getDeclaredField("trackerDaemon");
      f.setAccessible(true);
      Thread daemon = (Thread) f.get(tracker);
      if (daemon != null) {
        daemon.join(millis);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      sleep(Math.min(millis, 2_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopTracker() {
    if (tracker == null) {
      return;
    }
    try {
      tracker.stop();
    } catch (XGBoostError e) {
      log.accept("stopping the " + purpose + " tracker: " + XgboostMessages.firstLine(e.getMessage()));
    } finally {
      tracker = null;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformError("interrupted while joining the collective", e);
    }
  }
}
