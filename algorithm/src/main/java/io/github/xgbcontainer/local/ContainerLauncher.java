package io.github.xgbcontainer.local;

import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
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
 */
public final class ContainerLauncher implements HostLauncher {

  private static final Logger LOG = Logger.getLogger(ContainerLauncher.class.getName());
  private final String runtime;
  private final String image;
  private final String network;
  private final Optional<TrainingJobRequest.Checkpoint> checkpoint;

  public ContainerLauncher(String runtime, TrainingJobRequest request) {
    if (request.image().isBlank()) {
      throw new UserError("AlgorithmSpecification.TrainingImage is missing: the " + runtime
          + " runtime runs the hosts in that image; give it, or use --runtime process");
    }
    this.runtime = runtime;
    this.image = request.image();
    this.network = request.jobName() + "-net";
    this.checkpoint = request.checkpoint();
  }

  @Override
  public void prepare(List<Host> hosts) throws IOException {
    run(List.of(runtime, "network", "rm", "-f", network), false);
    run(List.of(runtime, "network", "create", "--internal", network), true);
  }

  @Override
  public Process start(Host host) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(runtime, "run", "--rm", "--name", network.replace("-net", "") + "-" + host.name(),
        "--hostname", host.name(), "--network", network, "--network-alias", host.name(),
        "-v", host.paths().root() + ":" + HostLayout.CONTAINER_ROOT));
    checkpoint.filter(cp -> !cp.localPath().startsWith(HostLayout.CONTAINER_ROOT + "/"))
        .ifPresent(cp -> cmd.addAll(List.of("-v", HostLayout.checkpointDir(host, cp) + ":" + cp.localPath())));
    cmd.add(image);
    cmd.add("train");
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  @Override
  public boolean inContainer() {
    return true;
  }

  @Override
  public void close() {
    try {
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
