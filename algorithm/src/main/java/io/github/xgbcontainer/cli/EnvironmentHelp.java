package io.github.xgbcontainer.cli;

import io.github.xgbcontainer.distributed.ClusterSettings;
import io.github.xgbcontainer.local.LocalTrainingJob;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import io.github.xgbcontainer.sagemaker.ServingVariables;
import io.github.xgbcontainer.train.TrainingJob;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The environment variables each command reads, shown at the end of its {@code --help}. The names
 * come from the constants the code reads them through, so a renamed variable renames its help line.
 */
final class EnvironmentHelp {

  /**
   * One variable and what it does.
   *
   * @param name the variable
   * @param meaning what it sets, with its default
   */
  record Variable(String name, String meaning) {
    Variable {
      if (name.isBlank() || meaning.isBlank()) {
        throw new IllegalArgumentException("a variable needs a name and a meaning");
      }
    }
  }

  private static final Variable BASE_DIR = new Variable(SageMakerPaths.BASE_DIR_ENV,
      "the SageMaker folder (default " + SageMakerPaths.DEFAULT_ROOT + ")");
  private static final Variable JAVA_OPTS = new Variable("JAVA_OPTS",
      "JVM options, read by the image's launcher, e.g. -XX:MaxRAMPercentage=40");

  static final List<Variable> TRAIN = List.of(
      BASE_DIR,
      new Variable(ClusterSettings.HOST_WAIT_ENV, "several hosts: seconds to wait for every host's name and the"
          + " tracker (default " + ClusterSettings.DEFAULT_HOST_WAIT_SECONDS + ")"),
      new Variable(ClusterSettings.TRACKER_PORT_ENV, "several hosts: the leader's tracker port; training uses the"
          + " next one too (default " + ClusterSettings.DEFAULT_TRACKER_PORT + ")"),
      new Variable(ClusterSettings.TIMEOUT_ENV, "several hosts: seconds before a lost host fails the others"
          + " (default " + ClusterSettings.DEFAULT_TIMEOUT_SECONDS + ")"),
      new Variable(TrainingJob.RANK_MODEL_DIR_ENV, "tests only: every host writes its booster there"),
      JAVA_OPTS);

  static final List<Variable> SERVE = List.of(
      BASE_DIR,
      new Variable(ServingVariables.BIND_TO_PORT, "the port (default " + ServingVariables.DEFAULT_PORT + ")"),
      new Variable(ServingVariables.MAX_PAYLOAD_IN_MB, "the largest request body in MB (default "
          + ServingVariables.DEFAULT_MAX_PAYLOAD_IN_MB + ")"),
      new Variable(ServingVariables.INFERENCE_OUTPUT, "selectable output keys, e.g. predicted_label,probability"),
      new Variable(ServingVariables.BATCH, "set for batch transform"),
      new Variable(ServingVariables.BODY_SECONDS, "seconds a request body may take to arrive (default "
          + ServingVariables.DEFAULT_BODY_SECONDS + ")"),
      new Variable(ServingVariables.STOP_GRACE_SECONDS, "seconds to finish accepted requests on SIGTERM"
          + " (default " + ServingVariables.DEFAULT_STOP_GRACE_SECONDS + ")"),
      JAVA_OPTS);

  static final List<Variable> LOCAL = List.of(
      new Variable(LocalCommand.ENDPOINT_ENV, "an S3-compatible endpoint, when --endpoint-url is not given"),
      new Variable("AWS_REGION, AWS_PROFILE", "the AWS SDK's region and profile"),
      new Variable("AWS_ACCESS_KEY_ID, ...", "credentials, through the AWS SDK's default chain"),
      new Variable(LocalCommand.GRACE_ENV, "seconds between SIGTERM and SIGKILL when a job is stopped"
          + " (default " + LocalTrainingJob.DEFAULT_STOP_GRACE.toSeconds() + ")"),
      new Variable("CONTAINERS_CONF, ...", "passed on to podman or docker with --runtime"));

  /** Lines stay within picocli's default usage width (80), which would otherwise wrap them at column 0. */
  private static final int WIDTH = 79;

  private EnvironmentHelp() {}

  /** Puts each subcommand's variables at the end of its usage message. */
  static void addTo(CommandLine main) {
    footer(main.getSubcommands().get("train"), TRAIN);
    footer(main.getSubcommands().get("serve"), SERVE);
    footer(main.getSubcommands().get("local"), LOCAL);
  }

  private static void footer(CommandLine command, List<Variable> variables) {
    int indent = 2 + variables.stream().mapToInt(v -> v.name().length()).max().orElse(0) + 2;
    List<String> lines = new ArrayList<>();
    for (Variable v : variables) {
      StringBuilder line = new StringBuilder("  " + v.name());
      for (String word : v.meaning().split(" ")) {
        int column = line.length() - line.lastIndexOf("\n") - 1;
        if (column >= indent && column + 1 + word.length() > WIDTH) {
          line.append('\n').append(" ".repeat(indent));
        } else {
          line.append(" ".repeat(column >= indent ? 1 : indent - column));
        }
        line.append(word);
      }
      // the footer is a format string: a literal % must be doubled
      lines.add(line.toString().replace("%", "%%").replace("\n", "%n"));
    }
    command.getCommandSpec().usageMessage()
        .footerHeading("%nEnvironment variables it reads:%n")
        .footer(lines.toArray(String[]::new));
  }
}
