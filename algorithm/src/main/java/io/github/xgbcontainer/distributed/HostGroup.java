package io.github.xgbcontainer.distributed;

import io.github.xgbcontainer.config.ResourceConfig;
import io.github.xgbcontainer.error.ContainerException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The hosts of a job and the settings their collectives use, so that the trainer forms the cluster
 * without reading {@code resourceconfig.json} itself. The {@link ClusterSettings} variables are read
 * when a cluster is formed, as only a multi-host job needs them.
 *
 * @param resources the hosts, from {@code resourceconfig.json}
 * @param env the environment holding the {@link ClusterSettings} variables
 */
public record HostGroup(ResourceConfig resources, Map<String, String> env) {

  public HostGroup {
    if (resources == null) {
      throw new IllegalArgumentException("the resource configuration is required");
    }
    env = Map.copyOf(env);
  }

  /** Whether the job runs on several hosts. */
  public boolean multiHost() {
    return resources.hosts().size() > 1;
  }

  /** {@link Cluster#form} with this group's hosts. */
  public Cluster.Role form(Cluster.Shard shard, Consumer<String> log) {
    return Cluster.form(resources, ClusterSettings.fromEnvironment(env), shard, log);
  }

  /** {@link Cluster#reportFailure} with this group's hosts. */
  public void reportFailure(ContainerException.Kind kind, Consumer<String> log) {
    Cluster.reportFailure(resources, ClusterSettings.fromEnvironment(env), kind, log);
  }
}
