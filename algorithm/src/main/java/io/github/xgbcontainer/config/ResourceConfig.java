package io.github.xgbcontainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The hosts of a training job, read from {@code resourceconfig.json}. The host name always comes
 * from here, never from {@code InetAddress.getLocalHost()}, which container runtimes do not all
 * support. {@code train} reads it, {@code local} writes it.
 *
 * @param currentHost this host's name, e.g. {@code algo-1}
 * @param hosts every host of the job, sorted by name; the first is the leader
 * @param networkInterface the interface SageMaker names for inter-host traffic, or {@code null}
 * @param instanceType {@code current_instance_type}, e.g. {@code ml.m5.xlarge}, or {@code null}
 * @param groupName {@code current_group_name}, the one instance group every host is in, or
 *     {@code null}; SageMaker names it {@code homogeneousCluster} when the job has no groups
 */
public record ResourceConfig(String currentHost, List<String> hosts, String networkInterface,
    String instanceType, String groupName) {

  private static final String CURRENT_HOST = "current_host";
  private static final String HOSTS = "hosts";
  private static final String NETWORK_INTERFACE = "network_interface_name";
  private static final String INSTANCE_TYPE = "current_instance_type";
  private static final String GROUP_NAME = "current_group_name";

  public ResourceConfig {
    hosts = hosts.stream().sorted().toList();
    if (hosts.isEmpty()) {
      throw new UserError("resourceconfig.json: 'hosts' is empty; it must list every host of the job");
    }
    if (!hosts.contains(currentHost)) {
      throw new UserError("resourceconfig.json: current_host '" + currentHost + "' is not in hosts " + hosts);
    }
  }

  /** The parts the algorithm reads; instance type and group unknown. */
  public ResourceConfig(String currentHost, List<String> hosts, String networkInterface) {
    this(currentHost, hosts, networkInterface, null, null);
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
    JsonNode current = root.get(CURRENT_HOST);
    JsonNode hosts = root.get(HOSTS);
    if (current == null || !current.isTextual()) {
      throw new UserError(file + ": 'current_host' is missing or not a string");
    }
    if (hosts == null || !hosts.isArray()) {
      throw new UserError(file + ": 'hosts' is missing or not a list of host names");
    }
    List<String> names = new ArrayList<>();
    hosts.forEach(h -> names.add(h.asText()));
    return new ResourceConfig(current.asText(), names, text(root, NETWORK_INTERFACE), text(root, INSTANCE_TYPE),
        text(root, GROUP_NAME));
  }

  private static String text(JsonNode root, String field) {
    JsonNode value = root.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /**
   * The file's object, as SageMaker writes it; with a group name, {@code instance_groups} holds that
   * one group of every host.
   */
  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put(CURRENT_HOST, currentHost);
    if (instanceType != null) {
      node.put(INSTANCE_TYPE, instanceType);
    }
    if (groupName != null) {
      node.put(GROUP_NAME, groupName);
    }
    ArrayNode names = node.putArray(HOSTS);
    hosts.forEach(names::add);
    if (groupName != null) {
      ObjectNode group = node.putArray("instance_groups").addObject();
      group.put("instance_group_name", groupName);
      if (instanceType != null) {
        group.put("instance_type", instanceType);
      }
      ArrayNode groupHosts = group.putArray(HOSTS);
      hosts.forEach(groupHosts::add);
    }
    if (networkInterface != null) {
      node.put(NETWORK_INTERFACE, networkInterface);
    }
    return node;
  }

  /** Writes the file. */
  public void write(Path file) throws IOException {
    JsonFiles.write(file, toJson());
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
