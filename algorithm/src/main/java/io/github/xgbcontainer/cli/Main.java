package io.github.xgbcontainer.cli;

import io.github.xgbcontainer.distributed.HostGroup;
import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.ContainerException;
import io.github.xgbcontainer.ingest.TrainingInputs;
import io.github.xgbcontainer.output.FailureFile;
import io.github.xgbcontainer.output.ModelOutputs;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import io.github.xgbcontainer.train.Termination;
import io.github.xgbcontainer.serve.ModelServer;
import io.github.xgbcontainer.serve.ServeSettings;
import io.github.xgbcontainer.train.TrainingJob;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The container's entry point: {@code train}, {@code serve} and {@code local}. */
@Command(name = "xgboost-container", mixinStandardHelpOptions = true,
    description = "SageMaker-compatible XGBoost training container.",
    subcommands = {Main.Train.class, Main.Serve.class, LocalCommand.class})
public final class Main implements Callable<Integer> {

  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  public static void main(String[] args) {
    Logging.configure();
    int code = new CommandLine(new Main()).execute(args);
    System.out.flush();
    System.exit(code);
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.err);
    return 2;
  }

  /** Runs one host's training job under {@code $SAGEMAKER_BASE_DIR} (default {@code /opt/ml}). */
  @Command(name = "train", description = "Run one host's SageMaker training job.")
  static final class Train implements Callable<Integer> {

    @Override
    public Integer call() {
      SageMakerPaths paths = SageMakerPaths.fromEnvironment(System.getenv());
      return run(paths, System.out, Termination.onSigterm());
    }
  }

  /**
   * Serves {@code model/xgboost-model} under {@code $SAGEMAKER_BASE_DIR} on
   * {@code $SAGEMAKER_BIND_TO_PORT} (default 8080) until the process is stopped.
   */
  @Command(name = "serve", description = "Serve the model for SageMaker hosting and batch transform.")
  static final class Serve implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
      try (ModelServer server = ModelServer.start(SageMakerPaths.fromEnvironment(System.getenv()),
          ServeSettings.fromEnvironment(System.getenv()))) {
        server.stopOnSigterm();
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
    try {
      int threads = Runtime.getRuntime().availableProcessors();
      TrainingInputs inputs = TrainingInputs.load(paths);
      new TrainingJob(inputs, new HostGroup(inputs.resources(), System.getenv()), new ModelOutputs(paths), line -> {
        metrics.println(line);
        metrics.flush();
      }, threads, termination, System.getenv()).run();
      return 0;
    } catch (ContainerException e) {
      // an AlgorithmError around XGBoost's std::bad_alloc is still the machine's
      return fail(failure, e.kind() == ContainerException.Kind.USER ? e
          : PlatformDiagnosis.of(e, paths).<ContainerException>map(p -> p).orElse(e));
    } catch (OutOfMemoryError e) {
      return fail(failure, PlatformDiagnosis.outOfMemory(paths, e));
    } catch (RuntimeException | LinkageError e) {
      return fail(failure, PlatformDiagnosis.of(e, paths).<ContainerException>map(p -> p)
          .orElseGet(() -> new AlgorithmError("unexpected " + e, e)));
    }
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
