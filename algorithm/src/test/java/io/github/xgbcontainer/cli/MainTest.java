package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line in process: {@code --version}, each command's {@code --help}, a missing {@code /opt/ml}. */
class MainTest {

  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void version_printsTheImageAndTheXgboostVersionOfTheClassPath() {
    // the xgboost4j jar this test runs with is named after its version: the build filled in the same one
    Matcher jar = Pattern.compile("xgboost4j_2\\.12-([0-9.]+)\\.jar$")
        .matcher(XGBoost.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    assertTrue(jar.find(), "xgboost4j jar name");
    Run run = run("--version");
    assertEquals(0, run.code(), run::toString);
    List<String> lines = run.out().lines().toList();
    assertEquals(3, lines.size(), run.out());
    assertTrue(lines.get(0).matches("xgboost-container [0-9]+\\.[0-9]+\\.[0-9]+(-SNAPSHOT)?"), lines.get(0));
    assertEquals("XGBoost " + jar.group(1) + " (xgboost4j)", lines.get(1));
    assertEquals("Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
        lines.get(2));
    assertEquals(run.out(), run("train", "--version").out(), "every command answers --version the same");
  }

  @Test
  void trainHelp_listsTheEnvironmentVariablesTrainReads() {
    Run run = run("train", "--help");
    assertEquals(0, run.code(), run::toString);
    assertEquals("", run.err());
    assertTrue(run.out().startsWith("Usage: xgboost-container train [-hV]\nRun one host's SageMaker training job.\n"),
        run.out());
    assertTrue(run.out().endsWith("""

        Environment variables it reads:
          SAGEMAKER_BASE_DIR             the SageMaker folder (default /opt/ml)
          SM_HOST_WAIT_SECONDS           several hosts: seconds to wait for every
                                         host's name and the tracker (default 900)
          SM_TRACKER_PORT                several hosts: the leader's tracker port;
                                         training uses the next one too (default 9099)
          SM_COLLECTIVE_TIMEOUT_SECONDS  several hosts: seconds before a lost host
                                         fails the others (default 60)
          SM_DEBUG_RANK_MODEL_DIR        tests only: every host writes its booster
                                         there
          JAVA_OPTS                      JVM options, read by the image's launcher,
                                         e.g. -XX:MaxRAMPercentage=40
        """), run.out());
  }

  @Test
  void serveHelp_listsTheEnvironmentVariablesServeReads() {
    Run run = run("serve", "--help");
    assertEquals(0, run.code(), run::toString);
    assertTrue(run.out().startsWith("Usage: xgboost-container serve [-hV]\n"), run.out());
    assertTrue(run.out().endsWith("""

        Environment variables it reads:
          SAGEMAKER_BASE_DIR             the SageMaker folder (default /opt/ml)
          SAGEMAKER_BIND_TO_PORT         the port (default 8080)
          SAGEMAKER_MAX_PAYLOAD_IN_MB    the largest request body in MB (default 6)
          SAGEMAKER_INFERENCE_OUTPUT     selectable output keys, e.g.
                                         predicted_label,probability
          SAGEMAKER_BATCH                set for batch transform
          XGBC_SERVE_BODY_SECONDS        seconds a request body may take to arrive
                                         (default 60)
          XGBC_SERVE_STOP_GRACE_SECONDS  seconds to finish accepted requests on SIGTERM
                                         (default 30)
          JAVA_OPTS                      JVM options, read by the image's launcher,
                                         e.g. -XX:MaxRAMPercentage=40
        """), run.out());
  }

  @Test
  void localHelp_worksWithoutTheRequiredRequestAndListsItsVariables() {
    Run run = run("local", "--help");
    assertEquals(0, run.code(), run::toString);
    assertEquals("", run.err());
    assertTrue(run.out().contains("--request=<request>"), run.out());
    assertTrue(run.out().endsWith("""

        Environment variables it reads:
          AWS_ENDPOINT_URL               an S3-compatible endpoint, when --endpoint-url
                                         is not given
          AWS_REGION, AWS_PROFILE        the AWS SDK's region and profile
          AWS_ACCESS_KEY_ID, ...         credentials, through the AWS SDK's default
                                         chain
          XGBC_LOCAL_STOP_GRACE_SECONDS  seconds between SIGTERM and SIGKILL when a job
                                         is stopped (default 120)
          CONTAINERS_CONF, ...           passed on to podman or docker with --runtime
        """), run.out());
  }

  @Test
  void missingBase_withoutTheVariable_saysSoAndHowToPointItAtAFolder() {
    Path none = dir.resolve("opt-ml");
    Optional<String> why = Main.missingBase(SageMakerPaths.fromEnvironment(Map.of(), none), Map.of());
    assertEquals(Optional.of(none + " does not exist and SAGEMAKER_BASE_DIR is not set, so there is no training job"
        + " here; perhaps you should lay out a folder as SageMaker lays out /opt/ml (input/config/hyperparameters.json,"
        + " input/data/train/...) and point SAGEMAKER_BASE_DIR at it, e.g. SAGEMAKER_BASE_DIR=$PWD/opt_ml java -jar"
        + " xgboost-container.jar train"), why);
  }

  @Test
  void missingBase_withAVariableNamingNoFolder_namesTheVariable() throws Exception {
    Path typo = dir.resolve("opt_mll");
    Map<String, String> env = Map.of("SAGEMAKER_BASE_DIR", typo.toString());
    assertEquals(Optional.of("SAGEMAKER_BASE_DIR is '" + typo + "', but " + typo + " is not a folder; perhaps you"
        + " should point it at a folder laid out as SageMaker lays out /opt/ml (input/config/hyperparameters.json,"
        + " input/data/train/...)"), Main.missingBase(SageMakerPaths.fromEnvironment(env), env));
    Files.createDirectories(typo);
    assertEquals(Optional.empty(), Main.missingBase(SageMakerPaths.fromEnvironment(env), env));
  }
}
