package io.github.xgbcontainer.local.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Each host is a child JVM running {@code java -jar <jar> train} with {@code SAGEMAKER_BASE_DIR}
 * at its tree. Hosts on one machine need distinct addresses, so each JVM resolves {@code algo-N}
 * to {@code 127.0.0.N} through a hosts file ({@code -Djdk.net.hosts.file}).
 */
public final class ProcessLauncher implements HostLauncher {

  private final List<String> command;
  private final Path hostsFile;

  /**
   * @param command the host command before any argument, e.g. {@code [java, -jar, app.jar, train]};
   *     the hosts-file property goes right after the first element when it is a {@code java}
   * @param hostsFile where the name-to-address file is written
   */
  public ProcessLauncher(List<String> command, Path hostsFile) {
    this.command = List.copyOf(command);
    this.hostsFile = hostsFile;
  }

  /** The command for the container's jar run by this JVM's {@code java}. */
  public static List<String> javaCommand(Path jar) {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar.toAbsolutePath().toString(), "train");
  }

  @Override
  public void prepare(List<Host> hosts) throws IOException {
    StringBuilder text = new StringBuilder();
    for (Host h : hosts) {
      text.append(h.loopbackAddress()).append(' ').append(h.name()).append('\n');
    }
    Files.createDirectories(hostsFile.getParent());
    Files.writeString(hostsFile, text);
  }

  @Override
  public Process start(Host host) throws IOException {
    List<String> cmd = new ArrayList<>(command);
    if (Path.of(cmd.get(0)).getFileName().toString().equals("java")) {
      cmd.add(1, "-Djdk.net.hosts.file=" + hostsFile);
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SAGEMAKER_BASE_DIR", host.paths().root().toString());
    pb.environment().put("SM_CURRENT_HOST", host.name());
    pb.directory(host.paths().root().toFile());
    return pb.start();
  }

  @Override
  public boolean inContainer() {
    return false;
  }
}
