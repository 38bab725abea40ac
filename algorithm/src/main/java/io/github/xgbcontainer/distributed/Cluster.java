package io.github.xgbcontainer.distributed;

import io.github.xgbcontainer.config.ResourceConfig;
import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.ContainerException;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Forms the training group of a multi-host job in two steps.
 *
 * <ol>
 *   <li>The <em>roster</em>: every host of {@code resourceconfig.json} joins a first collective
 *       (tracker on the first host by name, port {@code SM_TRACKER_PORT}) whose timeout is the
 *       host wait, so hosts that come up late or read their data slowly are waited for. One
 *       allreduce tells every host which hosts have data (ShardedByS3Key can leave a host without
 *       files) and the feature count of each.
 *   <li>The <em>training group</em>: the hosts with data, in name order, join a second collective
 *       (tracker on the first of them, the next port) with the short {@code dmlc_timeout}, so a
 *       host that dies or freezes during training makes the others fail within that bound. Hosts
 *       without data leave cleanly.
 * </ol>
 *
 * <p>Why two collectives: XGBoost's collective has one timeout for bootstrap and for every
 * operation, and hosts that leave cannot be dropped from a formed group; a single group would
 * have to wait minutes for a frozen host, or fail hosts that start late.
 */
public final class Cluster {

  private Cluster() {}

  /**
   * What this host brings to the roster.
   *
   * @param hasData whether it has rows in every channel the job uses
   * @param missing why not, e.g. {@code no files in channel 'train' (ShardedByS3Key)}; empty when it has data
   * @param features its feature count (0 without data)
   * @param failed how this host failed before the training group formed, or null
   */
  public record Shard(boolean hasData, String missing, int features, ContainerException.Kind failed) {

    public static Shard of(int features) {
      return new Shard(true, "", features, null);
    }

    public static Shard without(String missing) {
      return new Shard(false, missing, 0, null);
    }

    /** A host that failed (reading its data, say): it still joins the roster, to tell the others. */
    public static Shard failed(ContainerException.Kind kind) {
      return new Shard(false, "failed", 0, kind);
    }
  }

  /** What this host does after the roster. */
  public sealed interface Role permits Leave, Training {}

  /** This host has no data: it leaves, the others train without it. */
  public record Leave(String reason) implements Role {}

  /**
   * Forms the cluster.
   *
   * @throws UserError when no host has data
   */
  public static Role form(ResourceConfig resources, ClusterSettings settings, Shard shard, Consumer<String> log) {
    List<String> hosts = resources.hosts();
    List<InetAddress> addresses = HostResolver.system(log).resolveAll(hosts, settings.hostWait());
    List<Member> everyone = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      everyone.add(new Member(hosts.get(i), addresses.get(i)));
    }
    log.accept("hosts: " + String.join(", ", everyone.stream().map(Member::describe).toList())
        + "; this is " + resources.currentHost() + (resources.isLeader() ? ", the leader" : ""));
    int n = hosts.size();
    int me = resources.rank();
    float[] sums;
    long wait = settings.hostWait().toSeconds();
    try (CollectiveGroup roster = CollectiveGroup.join("roster", everyone, me, settings.trackerPort(),
        (int) Math.min(Integer.MAX_VALUE, wait), wait, log)) {
      float[] mine = new float[3 * n];
      mine[me] = shard.hasData() ? 1f : 0f;
      mine[n + me] = shard.features();
      mine[2 * n + me] = shard.failed() == null ? 0f : shard.failed().exitCode();
      sums = roster.sum(mine);
    }
    List<String> failed = new ArrayList<>();
    ContainerException.Kind kind = null;
    for (int i = 0; i < n; i++) {
      int code = Math.round(sums[2 * n + i]);
      if (code != 0) {
        failed.add(hosts.get(i));
        for (ContainerException.Kind k : ContainerException.Kind.values()) {
          if (k.exitCode() == code && kind == null) {
            kind = k;
          }
        }
      }
    }
    if (shard.failed() != null) {
      return new Leave("host " + resources.currentHost() + " failed before the training group formed and told "
          + "the other hosts");
    }
    if (!failed.isEmpty()) {
      String message = String.format(Locale.ROOT, "host%s %s failed before the training group formed (%s; its "
          + "failure file says why), so the job cannot train and host %s stops too", failed.size() == 1 ? "" : "s",
          String.join(", ", failed), kind == null ? "an error" : kind.label(), resources.currentHost());
      throw switch (kind == null ? ContainerException.Kind.PLATFORM : kind) {
        case USER -> new UserError(message);
        case PLATFORM -> new PlatformError(message);
        case ALGORITHM -> new AlgorithmError(message);
      };
    }
    List<Member> withData = new ArrayList<>();
    List<String> without = new ArrayList<>();
    int features = 0;
    for (int i = 0; i < n; i++) {
      if (sums[i] > 0.5f) {
        withData.add(everyone.get(i));
        features = Math.max(features, Math.round(sums[n + i]));
      } else {
        without.add(hosts.get(i));
      }
    }
    if (withData.isEmpty()) {
      throw new UserError("no host has data to train on: each of the " + n + " hosts (" + String.join(", ", hosts)
          + ") lacks files in a channel (here: " + shard.missing() + "); perhaps you should give a "
          + "ShardedByS3Key channel at least as many files as hosts, or use FullyReplicated");
    }
    if (!without.isEmpty()) {
      log.accept("hosts without data leave the job: " + String.join(", ", without) + "; training on "
          + String.join(", ", withData.stream().map(Member::host).toList()));
    }
    if (!shard.hasData()) {
      return new Leave(String.format(Locale.ROOT, "host %s has %s: it leaves the job, and %s train%s without it",
          resources.currentHost(), shard.missing(), String.join(", ", withData.stream().map(Member::host).toList()),
          withData.size() == 1 ? "s" : ""));
    }
    int rank = withData.indexOf(everyone.get(me));
    Member self = withData.get(rank);
    int probePort = settings.trackerPort() + 2;
    // The training group's bootstrap has the short timeout, so the others connect only once the
    // leader's tracker is up: the leader starts answering liveness probes right after starting it.
    PeerProbe[] probe = new PeerProbe[1];
    Runnable beforeInit = () -> {
      probe[0] = PeerProbe.answer(self, probePort, log).orElse(null);
      if (rank > 0) {
        PeerProbe.awaitAnswer(withData.get(0), probePort, wait, "the training tracker");
      }
    };
    try {
      CollectiveGroup group = CollectiveGroup.join("training", withData, rank, settings.trainingPort(),
          settings.timeoutSeconds(), wait, beforeInit, log);
      return new Training(group, probe[0], features, probePort, settings.timeoutSeconds(), log);
    } catch (RuntimeException e) {
      if (probe[0] != null) {
        probe[0].close();
      }
      throw e;
    }
  }

  /**
   * Tells the other hosts that this one failed before the training group formed, so that they stop
   * as soon as they reach the roster instead of waiting out the host wait for it. The roster still
   * waits for hosts that are reading; a failure to join it is logged, and the caller reports its
   * own failure either way.
   */
  public static void reportFailure(ResourceConfig resources, ClusterSettings settings, ContainerException.Kind kind,
      Consumer<String> log) {
    try {
      log.accept(form(resources, settings, Shard.failed(kind), log) instanceof Leave leave ? leave.reason() : "");
    } catch (RuntimeException e) {
      log.accept("could not tell the other hosts that this one failed: " + e.getMessage());
    }
  }
}
