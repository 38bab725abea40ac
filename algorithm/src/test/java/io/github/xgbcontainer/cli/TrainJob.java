package io.github.xgbcontainer.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A SageMaker {@code /opt/ml} tree in a temporary folder and the container's {@code train} command
 * run on it in a child JVM, as the platform runs it.
 */
final class TrainJob {

  static final Path ANCHOR = Path.of(System.getProperty("anchor.data", "../../shared/anchor-data"));
  static final Path JAR = Path.of(System.getProperty("container.jar", "target/xgboost-container.jar"));

  final Path root;
  int exitCode = -1;
  String stdout = "";
  String stderr = "";

  TrainJob(Path root) throws IOException {
    this.root = root;
    Files.createDirectories(root.resolve("input/config"));
    Files.createDirectories(root.resolve("input/data"));
  }

  TrainJob hyperparameters(String json) throws IOException {
    Files.writeString(root.resolve("input/config/hyperparameters.json"), json);
    return this;
  }

  TrainJob inputDataConfig(String json) throws IOException {
    Files.writeString(root.resolve("input/config/inputdataconfig.json"), json);
    return this;
  }

  /** Copies a file or folder (recursively) into the channel folder. */
  TrainJob channel(String channel, Path source) throws IOException {
    Path target = root.resolve("input/data").resolve(channel);
    Files.createDirectories(target);
    if (Files.isDirectory(source)) {
      try (Stream<Path> walk = Files.walk(source)) {
        for (Path p : walk.toList()) {
          Path to = target.resolve(source.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    } else {
      Files.copy(source, target.resolve(source.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
    return this;
  }

  TrainJob channelText(String channel, String name, String text) throws IOException {
    Path file = root.resolve("input/data").resolve(channel).resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return this;
  }

  /** Environment variables for the child, beside {@code SAGEMAKER_BASE_DIR}. */
  final java.util.Map<String, String> environment = new java.util.HashMap<>();

  /**
   * Words run before {@code java}, which they must {@code exec} with the rest of the command as
   * their arguments (e.g. a shell that first moves itself into a memory cgroup).
   */
  final List<String> launcher = new ArrayList<>();

  /** JVM options for the child, e.g. {@code -Dxgbc.pipeOpenSeconds=2}. */
  final List<String> jvmOptions = new ArrayList<>();

  /** Makes the FIFO {@code <channel>_0} with mkfifo, as SageMaker does in Pipe mode. */
  Path pipe(String channel) throws IOException, InterruptedException {
    Path fifo = root.resolve("input/data").resolve(channel + "_0");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("mkfifo " + fifo + " failed");
    }
    return fifo;
  }

  /**
   * Writes {@code data} into a FIFO from another thread, as SageMaker's streamer does: in chunks of
   * {@code chunk} bytes with a pause between them, closing the pipe at the end.
   */
  static Thread feed(Path fifo, byte[] data, int chunk, long pauseMillis) {
    Thread t = new Thread(() -> {
      try (var out = Files.newOutputStream(fifo)) {
        for (int at = 0; at < data.length; at += chunk) {
          out.write(data, at, Math.min(chunk, data.length - at));
          out.flush();
          if (pauseMillis > 0) {
            Thread.sleep(pauseMillis);
          }
        }
      } catch (IOException | InterruptedException e) {
        // the reader went away (a failing job): nothing more to write
      }
    }, "feed-" + fifo.getFileName());
    t.setDaemon(true);
    t.start();
    return t;
  }

  TrainJob run() throws IOException, InterruptedException {
    Process process = start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("train did not finish within 5 minutes");
    }
    return finish(process);
  }

  /** Starts {@code train} without waiting; its output goes to {@link #stdoutFile()} and a sibling. */
  Process start() throws IOException {
    List<String> command = new ArrayList<>(launcher);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(JAR.toAbsolutePath().toString());
    command.add("train");
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("SAGEMAKER_BASE_DIR", root.toString());
    pb.environment().putAll(environment);
    pb.redirectOutput(stdoutFile().toFile());
    pb.redirectError(root.resolveSibling(root.getFileName() + ".stderr").toFile());
    return pb.start();
  }

  Path stdoutFile() {
    return root.resolveSibling(root.getFileName() + ".stdout");
  }

  /** Collects the exit code and output of a finished process from {@link #start()}. */
  TrainJob finish(Process process) throws IOException {
    exitCode = process.exitValue();
    stdout = Files.readString(stdoutFile());
    stderr = Files.readString(root.resolveSibling(root.getFileName() + ".stderr"));
    return this;
  }

  Path model() {
    return root.resolve("model/xgboost-model");
  }

  String failure() throws IOException {
    Path f = root.resolve("output/failure");
    return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : null;
  }

  List<String> metricLines() {
    return stdout.lines().filter(l -> l.matches("\\[[0-9]+\\]\t.*")).toList();
  }

  List<String> modelDirEntries() throws IOException {
    Path dir = root.resolve("model");
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
  }
}
