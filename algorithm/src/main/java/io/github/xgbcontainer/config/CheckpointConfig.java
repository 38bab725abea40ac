package io.github.xgbcontainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.xgbcontainer.error.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code checkpointconfig.json}, written by SageMaker for jobs with a CheckpointConfig (managed spot
 * training): the local folder it syncs with S3.
 *
 * @param localPath where checkpoints go, {@code /opt/ml/checkpoints} by default
 * @param s3Uri where SageMaker syncs them, for the log; may be null
 */
public record CheckpointConfig(Path localPath, String s3Uri) {

  public static final Path DEFAULT_LOCAL_PATH = Path.of("/opt/ml/checkpoints");

  /** Reads the file; empty when the job has no checkpoint configuration. */
  public static Optional<CheckpointConfig> load(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    JsonNode root = JsonFiles.read(file);
    if (!root.isObject()) {
      throw new UserError(file + " must hold a JSON object such as {\"LocalPath\": \"/opt/ml/checkpoints\"}");
    }
    JsonNode local = root.get("LocalPath");
    JsonNode s3 = root.get("S3Uri");
    Path path = local == null || local.isNull() || local.asText().isBlank()
        ? DEFAULT_LOCAL_PATH : Path.of(local.asText());
    return Optional.of(new CheckpointConfig(path, s3 == null || s3.isNull() ? null : s3.asText()));
  }
}
