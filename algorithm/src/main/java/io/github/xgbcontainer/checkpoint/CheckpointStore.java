package io.github.xgbcontainer.checkpoint;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.output.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints in one folder. Each is a pair written in this order, each file atomically (temporary
 * file, fsync, rename): {@code xgboost-checkpoint.<rounds>} — a plain XGBoost model any XGBoost
 * loads — then {@code xgboost-checkpoint.<rounds>.json}, the trainer's state with the model's
 * SHA-256. The state file is the commit mark: a model without one, or whose bytes do not match it
 * (a torn copy, a file damaged in transit), is skipped with a warning. The newest few are kept;
 * a file SageMaker is uploading (its {@code .sagemaker-uploading} marker exists) is never touched.
 */
public final class CheckpointStore {

  static final String PREFIX = "xgboost-checkpoint.";
  private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "([0-9]+)");
  private static final String UPLOADING = ".sagemaker-uploading";
  private static final Logger LOG = Logger.getLogger(CheckpointStore.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final int keep;

  /**
   * @param dir the checkpoint folder
   * @param keep how many of the newest checkpoints to keep
   */
  public CheckpointStore(Path dir, int keep) {
    this.dir = dir;
    this.keep = keep;
  }

  public Path dir() {
    return dir;
  }

  /** Writes the checkpoint of a model holding {@code rounds} rounds, then drops older ones. */
  public void save(int rounds, byte[] model, Map<String, Object> state) {
    Path modelFile = dir.resolve(PREFIX + rounds);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("rounds", rounds);
    doc.put("model_sha256", sha256(model));
    doc.put("state", state);
    try {
      AtomicFiles.write(modelFile, model);
      AtomicFiles.write(stateFile(modelFile), JSON.writeValueAsBytes(doc));
    } catch (IOException e) {
      throw new PlatformError("cannot write checkpoint " + modelFile + ": " + e.getMessage(), e);
    }
    prune();
  }

  /** The newest checkpoint whose model matches its state file; damaged ones are skipped with a warning. */
  public Optional<Checkpoint> latest() {
    for (int rounds : roundsNewestFirst()) {
      Path modelFile = dir.resolve(PREFIX + rounds);
      Path state = stateFile(modelFile);
      try {
        if (!Files.exists(state)) {
          LOG.warning("skipping checkpoint " + modelFile + ": its state file " + state.getFileName()
              + " is missing (the job stopped while writing it)");
          continue;
        }
        Map<String, Object> doc = JSON.readValue(state.toFile(), new TypeReference<>() {});
        byte[] model = Files.readAllBytes(modelFile);
        if (!sha256(model).equals(doc.get("model_sha256"))) {
          LOG.warning("skipping checkpoint " + modelFile + ": its bytes do not match the checksum in "
              + state.getFileName() + " (torn or damaged)");
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> trainerState = (Map<String, Object>) doc.getOrDefault("state", Map.of());
        return Optional.of(new Checkpoint(rounds, model, trainerState));
      } catch (IOException | RuntimeException e) {
        LOG.warning("skipping checkpoint " + modelFile + ": " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  private List<Integer> roundsNewestFirst() {
    List<Integer> rounds = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return rounds;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(p -> {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches()) {
          rounds.add(Integer.parseInt(m.group(1)));
        }
      });
    } catch (IOException e) {
      throw new PlatformError("cannot list the checkpoint folder " + dir + ": " + e.getMessage(), e);
    }
    rounds.sort((a, b) -> Integer.compare(b, a));
    return rounds;
  }

  private void prune() {
    List<Integer> rounds = roundsNewestFirst();
    for (int i = keep; i < rounds.size(); i++) {
      Path modelFile = dir.resolve(PREFIX + rounds.get(i));
      for (Path file : List.of(stateFile(modelFile), modelFile)) {
        if (Files.exists(file.resolveSibling(file.getFileName() + UPLOADING))) {
          continue;
        }
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          LOG.warning("cannot remove old checkpoint " + file + ": " + e.getMessage());
        }
      }
    }
  }

  private static Path stateFile(Path modelFile) {
    return modelFile.resolveSibling(modelFile.getFileName() + ".json");
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
