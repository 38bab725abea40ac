package io.github.xgbcontainer.distributed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One SageMaker host on this machine: its own {@code /opt/ml} tree and {@code resourceconfig.json},
 * and the container's {@code train} in a background JVM in its own session ({@code setsid}), so a
 * stopped member cannot take the test's process group with it. Host names resolve through the
 * JDK's {@code jdk.net.hosts.file}.
 */
final class HostProcess {

  static final Path ANCHOR = Path.of(System.getProperty("anchor.data", "../../shared/anchor-data"));
  static final Path JAR = Path.of(System.getProperty("container.jar", "target/xgboost-container.jar"));

  final String host;
  final Path root;
  private Process process;
  private Path out;
  private Path err;

  HostProcess(Path dir, String host, List<String> hosts) throws IOException {
    this.host = host;
    this.root = dir.resolve(host);
    Files.createDirectories(root.resolve("input/config"));
    Files.createDirectories(root.resolve("input/data"));
    Files.writeString(root.resolve("input/config/resourceconfig.json"), "{\"current_host\": \"" + host
        + "\", \"hosts\": [" + String.join(", ", hosts.stream().map(h -> "\"" + h + "\"").toList())
        + "], \"network_interface_name\": \"lo\"}");
  }

  HostProcess config(String hyperparameters, String inputDataConfig) throws IOException {
    Files.writeString(root.resolve("input/config/hyperparameters.json"), hyperparameters);
    Files.writeString(root.resolve("input/config/inputdataconfig.json"), inputDataConfig);
    return this;
  }

  /** Writes lines into a channel file (no lines: just the empty channel folder). */
  HostProcess channel(String channel, String name, List<String> lines) throws IOException {
    Path folder = root.resolve("input/data").resolve(channel);
    Files.createDirectories(folder);
    if (name != null) {
      Files.write(folder.resolve(name), lines);
    }
    return this;
  }

  HostProcess start(Path hostsFile, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>(List.of("setsid",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djdk.net.hosts.file=" + hostsFile.toAbsolutePath(), "-jar", JAR.toAbsolutePath().toString(), "train"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("SAGEMAKER_BASE_DIR", root.toString());
    pb.environment().putAll(env);
    out = root.resolve("stdout.txt");
    err = root.resolve("stderr.txt");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    process = pb.start();
    return this;
  }

  long pid() {
    return process.pid();
  }

  void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
  }

  /** Waits at most {@code seconds}; the exit code, or -1 when still running. */
  int await(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** Kills the JVM (continuing it first, should it be stopped). */
  void kill() throws IOException, InterruptedException {
    if (alive()) {
      process.destroyForcibly();
      signal("CONT");
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  String stdout() throws IOException {
    return Files.exists(out) ? Files.readString(out) : "";
  }

  String stderr() throws IOException {
    return Files.exists(err) ? Files.readString(err) : "";
  }

  List<String> metricLines() throws IOException {
    return stdout().lines().filter(l -> l.matches("\\[[0-9]+\\]\t.*")).toList();
  }

  String failure() throws IOException {
    Path f = root.resolve("output/failure");
    return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : null;
  }

  Path model() {
    return root.resolve("model/xgboost-model");
  }

  boolean hasOutputData() throws IOException {
    Path d = root.resolve("output/data");
    if (!Files.isDirectory(d)) {
      return false;
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.findAny().isPresent();
    }
  }

  @Override
  public String toString() {
    try {
      return host + ": exit " + (process != null && !process.isAlive() ? process.exitValue() : "running")
          + "\n--- stdout\n" + stdout() + "\n--- stderr\n" + stderr();
    } catch (IOException e) {
      return host + ": " + e;
    }
  }
}
