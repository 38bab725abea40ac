package io.github.xgbcontainer.local.host;

import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.local.plan.TrainingJobRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Each host is a container of the request's TrainingImage ({@code podman} or {@code docker}) with
 * its tree mounted at {@code /opt/ml}, on an internal network of the job where every host is
 * reachable by its name, as SageMaker runs them: {@code <runtime> run --rm --hostname algo-N
 * --network <job> --network-alias algo-N -v <tree>:/opt/ml <image> train}.
 *
 * <p>The runtime runs with this process's environment: podman with the project's own configuration
 * needs {@code CONTAINERS_CONF} and {@code CONTAINERS_STORAGE_CONF} set as
 * {@code container/podman-env.sh} sets them, where {@code make image} loaded the image. SIGTERM to a
 * host reaches the container's {@code train} through the runtime's signal proxy; the containers and
 * the network are removed on {@link #close}, also when a host had to be killed.
 */
public final class ContainerLauncher implements HostLauncher {

  private static final Logger LOG = Logger.getLogger(ContainerLauncher.class.getName());
  private final String runtime;
  private final String image;
  private final String network;
  private final String jobName;
  private final List<String> started = new ArrayList<>();
  private final Optional<TrainingJobRequest.Checkpoint> checkpoint;
  private final List<String> gpuFlags;

  public ContainerLauncher(String runtime, TrainingJobRequest request) {
    if (request.image().isBlank()) {
      throw new UserError("AlgorithmSpecification.TrainingImage is missing: the " + runtime
          + " runtime runs the hosts in that image; give it, or use --runtime process");
    }
    this.runtime = runtime;
    this.image = request.image();
    this.network = request.jobName() + "-net";
    this.jobName = request.jobName();
    this.checkpoint = request.checkpoint();
    this.gpuFlags = request.gpuInstance() ? gpuFlags(runtime) : List.of();
    if (!gpuFlags.isEmpty()) {
      LOG.info("instance type " + request.instanceType() + " has GPUs: every host's container gets them ("
          + String.join(" ", gpuFlags) + ")");
    }
  }

  /**
   * What gives a container the machine's NVIDIA GPUs: docker's {@code --gpus all} (the NVIDIA
   * Container Toolkit), podman's CDI device {@code nvidia.com/gpu=all} (its generated specification,
   * {@code nvidia-ctk cdi generate}).
   */
  static List<String> gpuFlags(String runtime) {
    return runtime.endsWith("podman") ? List.of("--device", "nvidia.com/gpu=all") : List.of("--gpus", "all");
  }

  @Override
  public void prepare(List<Host> hosts) throws IOException {
    for (Host host : hosts) { // left over from a run of the same job that was killed
      run(List.of(runtime, "rm", "-f", containerName(host)), false);
    }
    run(List.of(runtime, "network", "rm", "-f", network), false);
    run(List.of(runtime, "network", "create", "--internal", network), true);
  }

  /** The runtime's command line that runs {@code host}. */
  List<String> command(Host host) {
    List<String> cmd = new ArrayList<>(List.of(runtime, "run", "--rm", "--name", containerName(host),
        "--hostname", host.name(), "--network", network, "--network-alias", host.name(),
        "-v", host.paths().root() + ":" + HostLayout.CONTAINER_ROOT));
    checkpoint.filter(cp -> !cp.localPath().startsWith(HostLayout.CONTAINER_ROOT + "/"))
        .ifPresent(cp -> cmd.addAll(List.of("-v", HostLayout.checkpointDir(host, cp) + ":" + cp.localPath())));
    cmd.addAll(gpuFlags);
    cmd.add(image);
    cmd.add("train");
    return cmd;
  }

  @Override
  public Process start(Host host) throws IOException {
    Process p = new ProcessBuilder(command(host)).redirectErrorStream(true).start();
    synchronized (started) {
      started.add(containerName(host));
    }
    return p;
  }

  private String containerName(Host host) {
    return jobName + "-" + host.name();
  }

  @Override
  public boolean inContainer() {
    return true;
  }

  @Override
  public void close() {
    try {
      List<String> names;
      synchronized (started) {
        names = List.copyOf(started);
        started.clear();
      }
      for (String name : names) { // gone already unless its runtime client was killed
        run(runtime.endsWith("podman") ? List.of(runtime, "rm", "-f", "-t", "0", name) : List.of(runtime, "rm", "-f", name), false);
      }
      run(List.of(runtime, "network", "rm", "-f", network), false);
    } catch (IOException e) {
      LOG.warning("cannot remove the network " + network + ": " + e.getMessage());
    }
  }

  private static void run(List<String> cmd, boolean check) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      if (p.waitFor() != 0 && check) {
        throw new PlatformError(String.join(" ", cmd) + " failed: " + out.trim());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformError("interrupted: " + String.join(" ", cmd), e);
    }
  }
}
