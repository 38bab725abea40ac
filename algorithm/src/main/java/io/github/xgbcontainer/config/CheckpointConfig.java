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
 * @param localPath where checkpoints go: {@code LocalPath}, else {@code checkpoints} under the base
 *     directory ({@code /opt/ml/checkpoints} on SageMaker)
 * @param s3Uri where SageMaker syncs them, for the log; may be null
 */
public record CheckpointConfig(Path localPath, String s3Uri) {

  /**
   * Reads the file; empty when the job has no checkpoint configuration.
   *
   * @param defaultLocalPath the folder when the file names none: the base directory's
   *     {@code checkpoints}, so that a job run under {@code SAGEMAKER_BASE_DIR} never writes to the
   *     host's real {@code /opt/ml}
   */
  public static Optional<CheckpointConfig> load(Path file, Path defaultLocalPath) {
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
        ? defaultLocalPath : Path.of(local.asText());
    return Optional.of(new CheckpointConfig(path, s3 == null || s3.isNull() ? null : s3.asText()));
  }
}
