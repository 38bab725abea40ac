package io.github.xgbcontainer.cli;

import io.github.xgbcontainer.distributed.HostGroup;
import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.ContainerException;
import io.github.xgbcontainer.ingest.TrainingInputs;
import io.github.xgbcontainer.matrix.NativeShim;
import io.github.xgbcontainer.output.FailureFile;
import io.github.xgbcontainer.output.ModelOutputs;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import io.github.xgbcontainer.train.Termination;
import io.github.xgbcontainer.serve.ModelServer;
import io.github.xgbcontainer.serve.ServeSettings;
import io.github.xgbcontainer.train.TrainingJob;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The container's entry point: {@code train}, {@code serve} and {@code local}. */
@Command(name = "xgboost-container", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "SageMaker-compatible XGBoost training container.",
    subcommands = {Main.Train.class, Main.Serve.class, LocalCommand.class})
public final class Main implements Callable<Integer> {

  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  /**
   * Test hook: the folder that stands for {@code /opt/ml} when {@code SAGEMAKER_BASE_DIR} is not
   * set, so that a test can run {@code train} "without /opt/ml" on a machine that has one.
   */
  static final String DEFAULT_BASE_PROPERTY = "xgbc.defaultBaseDir";

  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("serve")) {
      System.exit(serve());
    }
    if (args.length == 1 && args[0].equals("train")) {
      System.exit(train());
    }
    Logging.configure();
    int code = commandLine().execute(args);
    System.out.flush();
    System.exit(code);
  }

  /**
   * {@code serve} without options, as SageMaker starts it, counts its time to ready from the JVM's
   * start: it skips picocli's model of every command (over half a second of a cold JVM here), and
   * xgboost4j's native library (17 MB copied out of its jar) and the shim load on a thread of their
   * own while the port opens. Anything more ({@code serve --help}) goes through picocli.
   */
  private static int serve() {
    Thread preload = new Thread(() -> NativeShim.available(), "native-preload");
    preload.setDaemon(true);
    preload.start();
    Logging.configure();
    try {
      return new Serve().call();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (RuntimeException | Error e) {
      // as picocli answers a command that throws: the trace on standard error, exit 1
      e.printStackTrace();
      return 1;
    }
  }

  /**
   * {@code train} without options, as SageMaker starts it: picocli's model of every command is skipped
   * here too, and xgboost4j's native library loads on a thread of its own while the configuration is
   * read and the memory estimated, instead of before the channels are read. The job catches its own
   * failures (failure file, exit code); anything that escapes is answered as picocli would.
   */
  private static int train() {
    Thread preload = new Thread(() -> NativeShim.available(), "native-preload");
    preload.setDaemon(true);
    preload.start();
    Logging.configure();
    try {
      int code = new Train().call();
      System.out.flush();
      return code;
    } catch (RuntimeException | Error e) {
      e.printStackTrace();
      return 1;
    }
  }

  /** The commands, each with its environment variables in its help. */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    EnvironmentHelp.addTo(commandLine);
    return commandLine;
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.err);
    return 2;
  }

  /** Runs one host's training job under {@code $SAGEMAKER_BASE_DIR} (default {@code /opt/ml}). */
  @Command(name = "train", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = "Run one host's SageMaker training job.")
  static final class Train implements Callable<Integer> {

    @Override
    public Integer call() {
      Map<String, String> env = System.getenv();
      SageMakerPaths paths = SageMakerPaths.fromEnvironment(env, defaultRoot());
      Optional<String> missing = missingBase(paths, env);
      if (missing.isPresent()) {
        // no folder to put a failure file in: the log is all there is, and nothing is created
        LOG.severe(ContainerException.Kind.USER.label() + ": " + missing.get());
        return ContainerException.Kind.USER.exitCode();
      }
      return run(paths, System.out, Termination.onSigterm());
    }
  }

  private static Path defaultRoot() {
    String property = System.getProperty(DEFAULT_BASE_PROPERTY);
    return property == null || property.isBlank() ? SageMakerPaths.DEFAULT_ROOT : Path.of(property);
  }

  /**
   * Why there is no training job here, when the base folder does not exist: a developer's machine
   * without {@code /opt/ml}, or a mistyped {@code SAGEMAKER_BASE_DIR}.
   */
  static Optional<String> missingBase(SageMakerPaths paths, Map<String, String> env) {
    if (Files.isDirectory(paths.root())) {
      return Optional.empty();
    }
    String layout = " (input/config/hyperparameters.json, input/data/train/...)";
    String base = env.get(SageMakerPaths.BASE_DIR_ENV);
    if (base == null || base.isBlank()) {
      return Optional.of(paths.root() + " does not exist and " + SageMakerPaths.BASE_DIR_ENV + " is not set, so there"
          + " is no training job here; perhaps you should lay out a folder as SageMaker lays out /opt/ml" + layout
          + " and point " + SageMakerPaths.BASE_DIR_ENV + " at it, e.g. " + SageMakerPaths.BASE_DIR_ENV
          + "=$PWD/opt_ml java -jar xgboost-container.jar train");
    }
    return Optional.of(SageMakerPaths.BASE_DIR_ENV + " is '" + base + "', but " + paths.root() + " is not a folder;"
        + " perhaps you should point it at a folder laid out as SageMaker lays out /opt/ml" + layout);
  }

  /**
   * Serves the model folder {@code model/} under {@code $SAGEMAKER_BASE_DIR} (or, with
   * {@code SAGEMAKER_MULTI_MODEL=true}, the models loaded through {@code /models}) on
   * {@code $SAGEMAKER_BIND_TO_PORT} (default 8080) until the process is stopped.
   */
  @Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = "Serve the model for SageMaker hosting and batch transform.")
  static final class Serve implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
      // The port opens before the model loads, so /ping can answer 503 until it is loaded.
      try (ModelServer server = ModelServer.open(SageMakerPaths.fromEnvironment(System.getenv()),
          ServeSettings.fromEnvironment(System.getenv()))) {
        server.stopOnSigterm();
        server.awaitReady();
        server.join();
        return 0;
      } catch (ContainerException e) {
        LOG.severe(FailureFile.text(e));
        return e.kind().exitCode();
      }
    }
  }

  /**
   * Runs the job and turns every failure into the failure file and an exit code: the one
   * top-level catch.
   */
  static int run(SageMakerPaths paths, PrintStream metrics, Termination termination) {
    FailureFile failure = new FailureFile(paths.failureFile());
    try {
      failure.clearStale();
    } catch (IOException e) {
      LOG.warning("cannot remove the old failure file " + paths.failureFile() + ": " + e.getMessage());
    }
    TrainingJob job = null;
    try {
      int threads = Runtime.getRuntime().availableProcessors();
      TrainingInputs inputs = TrainingInputs.load(paths);
      job = new TrainingJob(inputs, new HostGroup(inputs.resources(), System.getenv()), new ModelOutputs(paths),
          line -> {
            metrics.println(line);
            metrics.flush();
          }, threads, termination, System.getenv());
      job.run();
      return 0;
    } catch (ContainerException e) {
      // an AlgorithmError around XGBoost's std::bad_alloc is still the machine's
      return fail(failure, e.kind() == ContainerException.Kind.USER ? e
          : PlatformDiagnosis.of(e, paths, externalMemory(job)).<ContainerException>map(p -> p).orElse(e));
    } catch (OutOfMemoryError e) {
      return fail(failure, PlatformDiagnosis.outOfMemory(paths, e, externalMemory(job)));
    } catch (RuntimeException | LinkageError e) {
      boolean external = externalMemory(job);
      return fail(failure, PlatformDiagnosis.of(e, paths, external).<ContainerException>map(p -> p)
          .orElseGet(() -> new AlgorithmError("unexpected " + e, e)));
    }
  }

  /** Whether the job got as far as choosing external memory; a failure diagnosis then does not suggest it. */
  private static boolean externalMemory(TrainingJob job) {
    return job != null && job.externalMemory();
  }

  private static int fail(FailureFile failure, ContainerException e) {
    failure.write(e);
    LOG.severe(FailureFile.text(e));
    if (e.kind() != ContainerException.Kind.USER && e.getCause() != null) {
      e.printStackTrace(System.err);
    }
    return e.kind().exitCode();
  }
}
