package io.github.xgbcontainer.local;

import io.github.xgbcontainer.error.ContainerException;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.local.feed.ChannelFetcher;
import io.github.xgbcontainer.local.feed.FastFileFeeder;
import io.github.xgbcontainer.local.feed.FifoFeeder;
import io.github.xgbcontainer.local.feed.PipeFeeder;
import io.github.xgbcontainer.local.host.Host;
import io.github.xgbcontainer.local.host.HostLauncher;
import io.github.xgbcontainer.local.host.HostLayout;
import io.github.xgbcontainer.local.plan.ChannelObject;
import io.github.xgbcontainer.local.plan.ChannelPlan;
import io.github.xgbcontainer.local.plan.ChannelPlanner;
import io.github.xgbcontainer.local.plan.TrainingJobRequest;
import io.github.xgbcontainer.local.store.CheckpointSync;
import io.github.xgbcontainer.local.store.ObjectStores;
import io.github.xgbcontainer.local.store.StoreUri;
import io.github.xgbcontainer.local.store.TarGz;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Runs a CreateTrainingJob request here: plans the channels (every request error surfaces before
 * a host starts), lays out each host's {@code /opt/ml}, downloads File channels and serves Pipe and
 * FastFile channels through FIFOs straight from the store, runs the hosts, enforces
 * MaxRuntimeInSeconds (SIGTERM, then SIGKILL after the grace period: 120 s as on SageMaker), syncs
 * checkpoints, and uploads {@code model.tar.gz} and {@code output.tar.gz} to
 * {@code <S3OutputPath>/<TrainingJobName>/output/}.
 *
 * <p>When a host fails, the others are stopped the same way and nothing is uploaded but the
 * checkpoints, which SageMaker syncs while the job runs. When a Pipe or FastFile feeder fails on the
 * store ({@link FifoFeeder#failure()}), the hosts are killed while their FIFO is still open, and
 * the job fails with the feeder's reason.
 */
public final class LocalTrainingJob {

  /** SageMaker's grace between SIGTERM and SIGKILL. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(120);
  /** How often the checkpoint folders go to CheckpointConfig.S3Uri while the hosts run. */
  public static final Duration DEFAULT_CHECKPOINT_SYNC = Duration.ofSeconds(10);
  private static final Logger LOG = Logger.getLogger(LocalTrainingJob.class.getName());

  /**
   * @param workRoot the folder holding {@code <job>/} (one tree per host) and {@code <job>.json}
   * @param stopGrace time between SIGTERM and SIGKILL
   * @param log where host output goes, each line prefixed by its host
   * @param checkpointSyncInterval time between two passes of the checkpoint sync while the hosts run
   */
  public record Options(Path workRoot, Duration stopGrace, PrintStream log, Duration checkpointSyncInterval) {

    public Options {
      if (checkpointSyncInterval.isNegative() || checkpointSyncInterval.isZero()) {
        throw new IllegalArgumentException("checkpointSyncInterval must be positive: " + checkpointSyncInterval);
      }
    }

    /** Options with checkpoints synced every {@link #DEFAULT_CHECKPOINT_SYNC}. */
    public Options(Path workRoot, Duration stopGrace, PrintStream log) {
      this(workRoot, stopGrace, log, DEFAULT_CHECKPOINT_SYNC);
    }
  }

  private final TrainingJobRequest request;
  private final ObjectStores stores;
  private final HostLauncher launcher;
  private final Options options;
  private Optional<CheckpointSync> checkpointSync;

  public LocalTrainingJob(TrainingJobRequest request, ObjectStores stores, HostLauncher launcher, Options options) {
    this.request = request;
    this.stores = stores;
    this.launcher = launcher;
    this.options = options;
  }

  /** The job's work folder: one tree per host. */
  public Path workDir() {
    return options.workRoot().toAbsolutePath().resolve(request.jobName());
  }

  /** Where the summary is written, beside the work folder. */
  public Path summaryFile() {
    return options.workRoot().toAbsolutePath().resolve(request.jobName() + ".json");
  }

  /** Runs the job; every failure ends as a summary, never as an exception. */
  public JobSummary run() {
    Instant start = Instant.now();
    List<Host> hosts = HostLayout.hosts(workDir(), request.instanceCount());
    Map<String, Integer> codes = new LinkedHashMap<>();
    JobSummary summary;
    try {
      List<ChannelPlan> plans = planChannels();
      List<FifoFeeder> feeders = layOut(hosts, plans);
      try {
        summary = runHosts(hosts, start, codes, feeders);
      } finally {
        feeders.forEach(FifoFeeder::stop); // releases feeders still waiting for a host that has exited
      }
    } catch (ContainerException e) {
      summary = new JobSummary(request.jobName(), "Failed", "Failed", Optional.of(e.kind().label() + ": " + e.getMessage()),
          Optional.empty(), Map.of(), start, Optional.empty(), Instant.now(), workDir().toString(), codes);
    }
    try {
      Files.createDirectories(summaryFile().getParent());
      Files.writeString(summaryFile(), summary.toJson() + "\n");
    } catch (IOException e) {
      LOG.warning("cannot write " + summaryFile() + ": " + e.getMessage());
    }
    return summary;
  }

  /** Resolves every channel's objects; request errors surface here. */
  public List<ChannelPlan> planChannels() {
    ChannelPlanner planner = new ChannelPlanner(stores);
    List<ChannelPlan> plans = new ArrayList<>();
    for (TrainingJobRequest.ChannelRequest c : request.channels()) {
      ChannelPlan plan = planner.plan(c);
      if (c.sharded() && plan.objects().size() < request.instanceCount()) {
        LOG.warning("channel '" + c.name() + "' has " + plan.objects().size() + " objects for " + request.instanceCount()
            + " hosts: with ShardedByS3Key some hosts get no data");
      }
      plans.add(plan);
    }
    return plans;
  }

  /**
   * Writes each host's tree, downloads File channels, and starts the feeders of Pipe channels (FIFOs
   * per epoch) and FastFile channels (a FIFO per object, read on demand). The caller stops the
   * feeders; when laying out fails, those already started are stopped here.
   */
  public List<FifoFeeder> layOut(List<Host> hosts, List<ChannelPlan> plans) {
    deleteRecursively(workDir());
    ChannelFetcher fetcher = new ChannelFetcher(stores);
    List<FifoFeeder> feeders = new ArrayList<>();
    for (Host host : hosts) {
      HostLayout.write(host, hosts, request, launcher.inContainer());
    }
    checkpointSync(hosts).ifPresent(CheckpointSync::restore);
    try {
      for (Host host : hosts) {
        for (ChannelPlan plan : plans) {
          List<ChannelObject> mine = plan.forHost(host.rank(), hosts.size());
          String name = plan.request().name();
          switch (plan.request().inputMode()) {
            case PIPE -> feeders.add(new PipeFeeder(host, name, mine, stores).start());
            case FAST_FILE -> feeders.add(new FastFileFeeder(host, name, mine, stores).start());
            default -> fetcher.fetch(host, name, mine);
          }
        }
      }
    } catch (RuntimeException e) {
      feeders.forEach(FifoFeeder::stop);
      throw e;
    }
    return feeders;
  }

  private JobSummary runHosts(List<Host> hosts, Instant start, Map<String, Integer> codes, List<FifoFeeder> feeders) {
    MetricScanner metrics = new MetricScanner(request.metrics());
    List<Process> processes = new ArrayList<>();
    List<Thread> pumps = new ArrayList<>();
    Instant trainingStart = Instant.now();
    try {
      launcher.prepare(hosts);
      for (Host host : hosts) {
        Process p = launcher.start(host);
        processes.add(p);
        pumps.add(pump(host, p, host.rank() == 0 ? metrics : null));
      }
    } catch (IOException e) {
      processes.forEach(Process::destroyForcibly);
      throw new PlatformError("cannot start the hosts: " + e.getMessage(), e);
    }
    boolean timedOut = false;
    Optional<CheckpointSync> sync = checkpointSync(hosts);
    try {
      sync.ifPresent(s -> s.start(options.checkpointSyncInterval()));
      timedOut = waitForHosts(processes, feeders, trainingStart.plusSeconds(request.maxRuntimeSeconds()));
      for (Thread t : pumps) {
        t.join(10_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      processes.forEach(Process::destroyForcibly);
    } finally {
      sync.ifPresent(CheckpointSync::close);
      launcher.close();
    }
    for (int i = 0; i < hosts.size(); i++) {
      codes.put(hosts.get(i).name(), processes.get(i).isAlive() ? -1 : processes.get(i).exitValue());
    }

    sync.ifPresent(CheckpointSync::syncOnce); // the final pass, after every host has exited
    // a feeder's failure comes first: the hosts were killed for it, and what they report is its echo
    Optional<String> failure = timedOut ? Optional.empty() : feedFailure(feeders)
        .map(e -> e.kind().label() + ": " + e.getMessage()).or(() -> failureReason(hosts, processes, false));
    String status = timedOut ? "Stopped" : failure.isPresent() ? "Failed" : "Completed";
    String secondary = timedOut ? "MaxRuntimeExceeded" : status;
    Optional<StoreUri> model = Optional.empty();
    if (!status.equals("Failed")) {
      model = Optional.of(upload(hosts.get(0)));
    }
    return new JobSummary(request.jobName(), status, secondary, timedOut ? Optional.of(
        "MaxRuntimeExceeded: the job ran past StoppingCondition.MaxRuntimeInSeconds (" + request.maxRuntimeSeconds() + ")")
        : failure, model, metrics.finalValues(), start, Optional.of(trainingStart), Instant.now(), workDir().toString(), codes);
  }

  /**
   * Waits for every host; stops all when one fails or the deadline passes, and kills all when a
   * feeder fails. True when the deadline passed.
   */
  private boolean waitForHosts(List<Process> processes, List<FifoFeeder> feeders, Instant deadline)
      throws InterruptedException {
    while (processes.stream().anyMatch(Process::isAlive)) {
      Optional<PlatformError> feed = feedFailure(feeders);
      if (feed.isPresent()) {
        // SIGKILL, not SIGTERM: a host told to stop would read on, and once its FIFO closes it takes
        // the bytes it got for the whole channel and trains on them, maybe writing a checkpoint
        LOG.warning(feed.get().getMessage() + ": killing the hosts, whose data would be incomplete");
        for (Process p : processes) {
          p.toHandle().destroyForcibly();
        }
        for (Process p : processes) {
          p.waitFor();
        }
        return false;
      }
      if (Instant.now().isAfter(deadline)) {
        LOG.warning("MaxRuntimeInSeconds (" + request.maxRuntimeSeconds() + ") reached: stopping the hosts");
        stopAll(processes);
        return true;
      }
      if (processes.stream().anyMatch(p -> !p.isAlive() && p.exitValue() != 0)) {
        LOG.warning("a host failed: stopping the others");
        stopAll(processes);
        return false;
      }
      Thread.sleep(100);
    }
    return false;
  }

  private static Optional<PlatformError> feedFailure(List<FifoFeeder> feeders) {
    return feeders.stream().map(FifoFeeder::failure).flatMap(Optional::stream).findFirst();
  }

  /**
   * SIGTERM, then SIGKILL after the grace period. Through the ProcessHandle: Process.destroy also
   * closes the host's output pipe, which loses what it prints while it stops (its last rounds,
   * "SIGTERM received", where its checkpoint went).
   */
  private void stopAll(List<Process> processes) throws InterruptedException {
    processes.stream().filter(Process::isAlive).forEach(p -> p.toHandle().destroy());
    Instant kill = Instant.now().plus(options.stopGrace());
    for (Process p : processes) {
      long left = Math.max(0, Duration.between(Instant.now(), kill).toMillis());
      if (!p.waitFor(left, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        LOG.warning("a host did not stop within " + options.stopGrace().toSeconds() + " s of SIGTERM: killing it");
        p.toHandle().destroyForcibly();
        p.waitFor();
      }
    }
  }

  private Thread pump(Host host, Process p, MetricScanner metrics) throws IOException {
    Path logFile = workDir().resolve(host.name() + ".log");
    Writer file = Files.newBufferedWriter(logFile);
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
           Writer out = file) {
        String line;
        while ((line = in.readLine()) != null) {
          synchronized (options.log()) {
            options.log().println(host.name() + " | " + line);
          }
          out.write(line);
          out.write('\n');
          out.flush(); // readable while the job runs, and complete if a host's children keep the pipe open
          if (metrics != null) {
            metrics.accept(line);
          }
        }
      } catch (IOException e) {
        LOG.warning(host.name() + ": log lost: " + e.getMessage());
      }
    }, "log-" + host.name());
    t.setDaemon(true);
    t.start();
    return t;
  }

  private Optional<String> failureReason(List<Host> hosts, List<Process> processes, boolean timedOut) {
    if (timedOut) {
      return Optional.empty();
    }
    for (int i = 0; i < hosts.size(); i++) {
      Process p = processes.get(i);
      Path failure = hosts.get(i).paths().failureFile();
      if (Files.exists(failure)) {
        try {
          return Optional.of(Files.readString(failure).trim());
        } catch (IOException e) {
          return Optional.of("PlatformError: cannot read " + failure + ": " + e.getMessage());
        }
      }
      if (!p.isAlive() && p.exitValue() != 0 && p.exitValue() != 143) {
        return Optional.of("AlgorithmError: host " + hosts.get(i).name() + " exited with code " + p.exitValue()
            + " without a failure file; see " + workDir().resolve(hosts.get(i).name() + ".log"));
      }
    }
    return Optional.empty();
  }

  /** The sync of every host's checkpoint folder, when the request has a CheckpointConfig. */
  private synchronized Optional<CheckpointSync> checkpointSync(List<Host> hosts) {
    if (checkpointSync == null) { // one for the job: what restore fetched is not uploaded again
      checkpointSync = request.checkpoint().map(cp -> new CheckpointSync(stores, cp.uri(),
          hosts.stream().map(h -> HostLayout.checkpointDir(h, cp)).toList()));
    }
    return checkpointSync;
  }

  /** Uploads the leader's model and output data; returns where model.tar.gz went. */
  private StoreUri upload(Host leader) {
    StoreUri output = request.outputPath().child(request.jobName()).child("output");
    try {
      Path model = workDir().resolve("model.tar.gz");
      Path data = workDir().resolve("output.tar.gz");
      TarGz.write(leader.paths().modelDir(), model);
      TarGz.write(leader.paths().outputDataDir(), data);
      StoreUri modelUri = output.child("model.tar.gz");
      stores.forUri(modelUri).upload(model, modelUri);
      StoreUri dataUri = output.child("output.tar.gz");
      stores.forUri(dataUri).upload(data, dataUri);
      LOG.info("uploaded " + modelUri + " and " + dataUri);
      return modelUri;
    } catch (IOException e) {
      throw new PlatformError("cannot archive the outputs of " + leader.name() + ": " + e.getMessage(), e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new PlatformError("cannot clear the old work folder " + dir + ": " + e.getMessage(), e);
    }
  }
}
