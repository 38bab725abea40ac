package io.github.xgbcontainer.cli;

import io.github.xgbcontainer.error.ContainerException;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.local.ContainerLauncher;
import io.github.xgbcontainer.local.HostLauncher;
import io.github.xgbcontainer.local.JobSummary;
import io.github.xgbcontainer.local.LocalTrainingJob;
import io.github.xgbcontainer.local.ObjectStores;
import io.github.xgbcontainer.local.ProcessLauncher;
import io.github.xgbcontainer.local.TrainingJobRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code local}: runs a CreateTrainingJob request on this machine (package {@code local}). */
@Command(name = "local", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Run a CreateTrainingJob request here, with S3 (or file://) channels.")
final class LocalCommand implements Callable<Integer> {

  /** Seconds between SIGTERM and SIGKILL when a job is stopped; 120 as on SageMaker. */
  static final String GRACE_ENV = "XGBC_LOCAL_STOP_GRACE_SECONDS";

  /** The S3-compatible endpoint when {@code --endpoint-url} is not given (the AWS CLI's name). */
  static final String ENDPOINT_ENV = "AWS_ENDPOINT_URL";

  @Option(names = "--request", required = true, description = "the CreateTrainingJob request JSON file")
  Path request;

  @Option(names = "--runtime", defaultValue = "process",
      description = "process (default), podman or docker: how each host runs")
  String runtime;

  @Option(names = "--endpoint-url", description = "an S3-compatible endpoint (default: AWS_ENDPOINT_URL, else AWS)")
  String endpointUrl;

  @Option(names = "--work-dir", defaultValue = "local-jobs",
      description = "folder for <job>/ (one /opt/ml per host) and the <job>.json summary (default: local-jobs)")
  Path workDir;

  @Option(names = "--checkpoint-sync-seconds", defaultValue = "10",
      description = "seconds between two uploads of the checkpoint folders while the hosts run (default: 10)")
  long checkpointSyncSeconds;

  @Override
  public Integer call() {
    try {
      if (checkpointSyncSeconds < 1) {
        throw new UserError("--checkpoint-sync-seconds '" + checkpointSyncSeconds + "' is not a whole number of at least 1");
      }
      TrainingJobRequest job = TrainingJobRequest.load(request);
      Optional<URI> endpoint = endpoint();
      try (ObjectStores stores = new ObjectStores(endpoint); HostLauncher launcher = launcher(job)) {
        JobSummary summary = new LocalTrainingJob(job, stores, launcher,
            new LocalTrainingJob.Options(workDir, grace(), System.err, Duration.ofSeconds(checkpointSyncSeconds))).run();
        System.out.println(summary.toJson());
        return summary.completed() ? 0 : 1;
      }
    } catch (ContainerException e) {
      System.err.println(e.kind().label() + ": " + e.getMessage());
      return e.kind().exitCode();
    }
  }

  private HostLauncher launcher(TrainingJobRequest job) {
    return switch (runtime) {
      case "process" -> new ProcessLauncher(ProcessLauncher.javaCommand(ownJar()),
          workDir.toAbsolutePath().resolve(job.jobName()).resolveSibling(job.jobName() + ".hosts"));
      case "podman", "docker" -> new ContainerLauncher(runtime, job);
      default -> throw new UserError("--runtime '" + runtime + "' is not one of process, podman, docker");
    };
  }

  private Optional<URI> endpoint() {
    String raw = endpointUrl != null ? endpointUrl : System.getenv(ENDPOINT_ENV);
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(raw.trim());
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new URISyntaxException(raw, "expected http(s)://host:port");
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      throw new UserError("endpoint URL '" + raw + "' is not valid: write it as http://127.0.0.1:9000", e);
    }
  }

  private static Duration grace() {
    String raw = System.getenv(GRACE_ENV);
    if (raw == null || raw.isBlank()) {
      return LocalTrainingJob.DEFAULT_STOP_GRACE;
    }
    try {
      return Duration.ofSeconds(Long.parseLong(raw.trim()));
    } catch (NumberFormatException e) {
      throw new UserError(GRACE_ENV + " '" + raw + "' is not a whole number of seconds");
    }
  }

  private static Path ownJar() {
    try {
      return Path.of(LocalCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
