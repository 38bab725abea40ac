package io.github.xgbcontainer.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes one host's {@code /opt/ml} as SageMaker does: the three config files (and
 * {@code checkpointconfig.json} with a checkpoint), the channel folders, {@code model/} and
 * {@code output/data/}. Channel data is fetched separately ({@link ChannelFetcher}).
 *
 * <p>See https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo-running-container.html
 */
public final class HostLayout {

  /** Where SageMaker mounts the job inside the container. */
  static final String CONTAINER_ROOT = "/opt/ml";
  static final String GROUP = "homogeneousCluster";
  static final String INSTANCE_TYPE = "local";
  private static final ObjectMapper JSON = new ObjectMapper();

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
      ObjectNode hp = JSON.createObjectNode();
      request.hyperparameters().forEach(hp::put);
      write(p.hyperparameters(), hp);

      ObjectNode channels = JSON.createObjectNode();
      for (TrainingJobRequest.ChannelRequest c : request.channels()) {
        ObjectNode node = channels.putObject(c.name());
        c.contentType().ifPresent(t -> node.put("ContentType", t));
        node.put("TrainingInputMode", c.inputMode());
        node.put("S3DistributionType", c.sharded() ? "ShardedByS3Key" : "FullyReplicated");
        node.put("RecordWrapperType", c.recordIo() ? "RecordIO" : "None");
        if (!c.inputMode().equals("Pipe")) {
          Files.createDirectories(p.channelDir(c.name()));
        }
      }
      write(p.inputDataConfig(), channels);

      ObjectNode resources = JSON.createObjectNode();
      resources.put("current_host", host.name());
      resources.put("current_instance_type", INSTANCE_TYPE);
      resources.put("current_group_name", GROUP);
      ArrayNode names = resources.putArray("hosts");
      all.forEach(h -> names.add(h.name()));
      ObjectNode group = resources.putArray("instance_groups").addObject();
      group.put("instance_group_name", GROUP);
      group.put("instance_type", INSTANCE_TYPE);
      ArrayNode groupHosts = group.putArray("hosts");
      all.forEach(h -> groupHosts.add(h.name()));
      resources.put("network_interface_name", inContainer ? "eth0" : "lo");
      write(p.resourceConfig(), resources);

      Optional<TrainingJobRequest.Checkpoint> cp = request.checkpoint();
      if (cp.isPresent()) {
        Path local = checkpointDir(host, cp.get());
        Files.createDirectories(local);
        ObjectNode node = JSON.createObjectNode();
        node.put("LocalPath", inContainer ? cp.get().localPath() : local.toString());
        node.put("S3Uri", cp.get().uri().toString());
        write(p.checkpointConfig(), node);
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

  private static void write(Path file, ObjectNode node) throws IOException {
    Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
  }
}
