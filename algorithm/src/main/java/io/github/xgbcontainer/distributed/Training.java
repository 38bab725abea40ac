package io.github.xgbcontainer.distributed;

import io.github.xgbcontainer.error.PlatformError;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import ml.dmlc.xgboost4j.java.XGBoostError;
import ml.dmlc.xgboost4j.java.XGBoostJNI;

/**
 * This host's place in the training group. While it is open, matrices built and boosters trained
 * in this process are synchronised with the other hosts by XGBoost. Only the leader (rank 0)
 * prints metric lines and writes the model and {@code output/data}.
 */
public final class Training implements Cluster.Role, AutoCloseable {

  /** Time left for the other survivors to probe this host before it exits. */
  private static final long PROBE_GRACE_MILLIS = 3_000;

  private final CollectiveGroup group;
  private final PeerProbe probe;
  private final int features;
  private final int probePort;
  private final int timeoutSeconds;
  private final Consumer<String> log;

  Training(CollectiveGroup group, PeerProbe probe, int features, int probePort, int timeoutSeconds,
      Consumer<String> log) {
    this.timeoutSeconds = timeoutSeconds;
    this.group = group;
    this.probe = probe;
    this.features = features;
    this.probePort = probePort;
    this.log = log;
  }

  /** Whether this host writes the model: the first host with data. */
  public boolean isLeader() {
    return group.isLeader();
  }

  public int rank() {
    return group.rank();
  }

  public int size() {
    return group.size();
  }

  /** The widest feature count over the hosts with data. */
  public int features() {
    return features;
  }

  /**
   * Sums {@code values} over the group exactly, so that every host gets the very same doubles.
   * xgboost4j's collective sums only floats, which would round large counts and sums of squares;
   * so each host places the 64 bits of its values, as four 16-bit pieces (exact in a float), in a
   * slot of its own, the float sum of zeros and one host's pieces is an all-gather, and every host
   * adds the hosts' doubles in rank order.
   */
  public double[] sumExact(double[] values) {
    int n = values.length;
    float[] pieces = new float[group.size() * n * 4];
    int base = group.rank() * n * 4;
    for (int i = 0; i < n; i++) {
      long bits = Double.doubleToRawLongBits(values[i]);
      for (int p = 0; p < 4; p++) {
        pieces[base + i * 4 + p] = (float) ((bits >>> (16 * p)) & 0xFFFF);
      }
    }
    float[] all;
    try {
      all = group.sum(pieces);
    } catch (PlatformError e) {
      // xgboost4j drops the native status of an allreduce; XGBoost's last error says what broke,
      // and carried as an XGBoostError it lets explain() name the host that was lost
      String last = XGBoostJNI.XGBGetLastError();
      throw new PlatformError(e.getMessage(), new XGBoostError("collective allreduce failed: "
          + (last == null || last.isBlank() ? e.getMessage() : last)));
    }
    double[] sums = new double[n];
    for (int host = 0; host < group.size(); host++) {
      for (int i = 0; i < n; i++) {
        long bits = 0;
        for (int p = 0; p < 4; p++) {
          bits |= ((long) all[(host * n + i) * 4 + p]) << (16 * p);
        }
        sums[i] += Double.longBitsToDouble(bits);
      }
    }
    return sums;
  }

  /**
   * Checks that every host resumes from the same checkpoint. SageMaker restores one S3 folder into
   * every host's checkpoint path and only the leader writes it, so the rounds agree unless the
   * folders were set up by hand; resuming from different rounds would break the collective.
   *
   * @param rounds the rounds of the checkpoint this host found, 0 for none
   * @throws PlatformError on every host when any host found another round than the leader
   */
  public void checkResumeRound(int rounds) {
    int leaders = (int) group.sum(new float[] {isLeader() ? rounds : 0})[0];
    int differing = (int) group.sum(new float[] {rounds == leaders ? 0 : 1})[0];
    if (differing > 0) {
      throw new PlatformError(String.format(Locale.ROOT, "the hosts found different checkpoints to resume "
          + "from: the leader %s has %d rounds, this host %s has %d, and %d of the %d hosts differ from the "
          + "leader; every host must see the same checkpoints (SageMaker restores CheckpointConfig.S3Uri into "
          + "each host's LocalPath), perhaps you should clear the checkpoint folders or give every host a copy "
          + "of the leader's", group.members().get(0).describe(), leaders,
          group.members().get(group.rank()).describe(), rounds, differing, group.size()));
    }
  }

  /**
   * Turns a failure while the group was open into one that names the lost host, when the failure
   * came from the collective; other failures are returned unchanged. Leaves the group.
   */
  public RuntimeException explain(RuntimeException failure) {
    String native_ = nativeMessage(failure);
    if (native_ == null || !looksCollective(native_)) {
      abandon();
      return failure;
    }
    List<Member> others = group.members().stream().filter(m -> !m.equals(group.members().get(group.rank()))).toList();
    Member self = group.members().get(group.rank());
    PeerProbe.announceSurvival(self, others, probePort);
    List<Member> unanswered = PeerProbe.unanswered(others, probePort);
    // a host that announced its own survival and has since exited was not the one lost
    java.util.Set<String> survived = probe == null ? java.util.Set.of() : probe.survivors();
    List<Member> lost = unanswered.stream().filter(m -> !survived.contains(m.host())).toList();
    String detail = XgboostMessages.detail(native_);
    String message;
    if (lost.isEmpty()) {
      message = String.format(Locale.ROOT, "the training group (%s) broke, yet every other host still answers; "
          + "perhaps the network between hosts failed, or a host was slower than %s %d s. XGBoost: %s",
          group.hostNames(), ClusterSettings.TIMEOUT_ENV, timeoutSeconds(), detail);
    } else {
      message = String.format(Locale.ROOT, "lost host %s during training: it does not answer (killed, frozen or "
          + "cut off), so the training group (%s) cannot go on; %s is %d s. XGBoost: %s",
          String.join(", ", lost.stream().map(Member::describe).toList()), group.hostNames(),
          ClusterSettings.TIMEOUT_ENV, timeoutSeconds(), detail);
    }
    log.accept(message);
    try {
      // the other survivors may be probing this host right now
      Thread.sleep(PROBE_GRACE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    abandon();
    return new PlatformError(message, failure);
  }

  private int timeoutSeconds() {
    return timeoutSeconds;
  }

  private static String nativeMessage(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof XGBoostError) {
        return c.getMessage() == null ? "" : c.getMessage();
      }
    }
    return null;
  }

  static boolean looksCollective(String message) {
    return message.contains("comm") || message.contains("socket") || message.contains("Socket")
        || message.contains("coll") || message.contains("Poll") || message.contains("Connection")
        || message.contains("timed out") || message.contains("timeout");
  }

  /** The clean end, after the leader has written the outputs. */
  @Override
  public void close() {
    try {
      group.close();
    } finally {
      if (probe != null) {
        probe.close();
      }
    }
  }

  /** The end after a failure. */
  public void abandon() {
    try {
      group.abandon();
    } finally {
      if (probe != null) {
        probe.close();
      }
    }
  }
}
