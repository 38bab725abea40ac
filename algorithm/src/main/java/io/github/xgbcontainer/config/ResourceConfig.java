package io.github.xgbcontainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.xgbcontainer.error.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The hosts of a training job, read from {@code resourceconfig.json}. The host name always comes
 * from here, never from {@code InetAddress.getLocalHost()}, which container runtimes do not all
 * support.
 *
 * @param currentHost this host's name, e.g. {@code algo-1}
 * @param hosts every host of the job, sorted by name; the first is the leader
 * @param networkInterface the interface SageMaker names for inter-host traffic, or {@code null}
 */
public record ResourceConfig(String currentHost, List<String> hosts, String networkInterface) {

  public ResourceConfig {
    hosts = hosts.stream().sorted().toList();
    if (hosts.isEmpty()) {
      throw new UserError("resourceconfig.json: 'hosts' is empty; it must list every host of the job");
    }
    if (!hosts.contains(currentHost)) {
      throw new UserError("resourceconfig.json: current_host '" + currentHost + "' is not in hosts " + hosts);
    }
  }

  /** One host, as when the file is absent. */
  public static ResourceConfig singleHost() {
    return new ResourceConfig("algo-1", List.of("algo-1"), null);
  }

  /** Reads the file; absent means one host. */
  public static ResourceConfig load(Path file) {
    if (!Files.exists(file)) {
      return singleHost();
    }
    JsonNode root = JsonFiles.read(file);
    JsonNode current = root.get("current_host");
    JsonNode hosts = root.get("hosts");
    if (current == null || !current.isTextual()) {
      throw new UserError(file + ": 'current_host' is missing or not a string");
    }
    if (hosts == null || !hosts.isArray()) {
      throw new UserError(file + ": 'hosts' is missing or not a list of host names");
    }
    List<String> names = new ArrayList<>();
    hosts.forEach(h -> names.add(h.asText()));
    JsonNode nic = root.get("network_interface_name");
    return new ResourceConfig(current.asText(), names, nic == null || nic.isNull() ? null : nic.asText());
  }

  /** Whether this host is the first in name order. */
  public boolean isLeader() {
    return hosts.get(0).equals(currentHost);
  }

  /** This host's position in name order. */
  public int rank() {
    return hosts.indexOf(currentHost);
  }
}
