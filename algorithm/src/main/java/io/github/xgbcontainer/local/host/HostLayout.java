package io.github.xgbcontainer.local.host;

import io.github.xgbcontainer.config.CheckpointConfig;
import io.github.xgbcontainer.config.InputDataConfig;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.config.JsonFiles;
import io.github.xgbcontainer.config.ResourceConfig;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.local.plan.TrainingJobRequest;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes one host's {@code /opt/ml} as SageMaker does: the three config files (and
 * {@code checkpointconfig.json} with a checkpoint), through the {@code config} records that
 * {@code train} reads them with, the channel folders, {@code model/} and
 * {@code output/data/}. Channel data is fetched separately ({@link io.github.xgbcontainer.local.feed.ChannelFetcher}).
 *
 * <p>See https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo-running-container.html
 */
public final class HostLayout {

  /** Where SageMaker mounts the job inside the container. */
  static final String CONTAINER_ROOT = "/opt/ml";
  static final String GROUP = "homogeneousCluster";
  static final String INSTANCE_TYPE = "local";

  private HostLayout() {}

  /** The job's hosts, {@code algo-1..N}, each rooted at {@code <workDir>/algo-N}. */
  public static List<Host> hosts(Path workDir, int count) {
    List<Host> hosts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = "algo-" + (i + 1);
      hosts.add(new Host(name, i, new SageMakerPaths(workDir.resolve(name))));
    }
    return hosts;
  }

  /**
   * Writes the host's tree. {@code inContainer} decides how the checkpoint folder is named in
   * {@code checkpointconfig.json}: as the container sees it, or as the host process does.
   */
  public static void write(Host host, List<Host> all, TrainingJobRequest request, boolean inContainer) {
    SageMakerPaths p = host.paths();
    try {
      Files.createDirectories(p.configDir());
      Files.createDirectories(p.dataDir());
      Files.createDirectories(p.modelDir());
      Files.createDirectories(p.outputDataDir());
      JsonFiles.writeStringMap(p.hyperparameters(), request.hyperparameters());
      InputDataConfig.write(p.inputDataConfig(),
          request.channels().stream().map(TrainingJobRequest.ChannelRequest::config).toList());
      for (TrainingJobRequest.ChannelRequest c : request.channels()) {
        if (c.inputMode() != InputMode.PIPE) {
          Files.createDirectories(p.channelDir(c.name()));
        }
      }
      new ResourceConfig(host.name(), all.stream().map(Host::name).toList(), inContainer ? "eth0" : "lo",
          INSTANCE_TYPE, GROUP).write(p.resourceConfig());
      Optional<TrainingJobRequest.Checkpoint> cp = request.checkpoint();
      if (cp.isPresent()) {
        Path local = checkpointDir(host, cp.get());
        Files.createDirectories(local);
        new CheckpointConfig(inContainer ? Path.of(cp.get().localPath()) : local, cp.get().uri().toString())
            .write(p.checkpointConfig());
      }
    } catch (IOException e) {
      throw new PlatformError("cannot lay out " + p.root() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The host-side folder of the checkpoint LocalPath: under the host's root when LocalPath is under
   * {@code /opt/ml}, else {@code <root>/checkpoints} (mounted at LocalPath in a container).
   */
  public static Path checkpointDir(Host host, TrainingJobRequest.Checkpoint cp) {
    String local = cp.localPath();
    if (local.startsWith(CONTAINER_ROOT + "/") && !local.contains("..")) {
      return host.paths().root().resolve(local.substring(CONTAINER_ROOT.length() + 1));
    }
    return host.paths().root().resolve("checkpoints");
  }
}
