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
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints in one folder, named as the official image names them: {@code xgboost-checkpoint.N},
 * where {@code N} is the zero-based iteration of the model's last round, so the model holds
 * {@code N + 1} rounds (the official image's {@code checkpointing.load_checkpoint} resumes from
 * {@code N + 1} the same way). This image writes each as a pair, each file atomically (temporary
 * file, fsync, rename): the model, a plain XGBoost model any XGBoost loads, then
 * {@code xgboost-checkpoint.N.json}, the trainer's state with the model's SHA-256. The state file is
 * the commit mark: among this image's checkpoints, a model without one, or whose bytes do not match
 * it (a torn copy, a file damaged in transit), is skipped with a warning.
 *
 * <p>A folder with no state file at all holds checkpoints some other job wrote, such as the
 * official image's plain models left in S3: the newest of those is resumed from, without trainer
 * state. Only this image's own checkpoints (those with a state file) are ever deleted: the newest
 * few are kept, and a file SageMaker is uploading (its {@code .sagemaker-uploading} marker exists)
 * is never touched.
 *
 * @see <a href="https://github.com/aws/sagemaker-xgboost-container/blob/master/src/sagemaker_xgboost_container/checkpointing.py">the official image's checkpointing.py</a>
 */
public final class CheckpointStore {

  static final String PREFIX = "xgboost-checkpoint.";
  private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "([0-9]{1,9})");
  private static final String UPLOADING = ".sagemaker-uploading";
  private static final Logger LOG = Logger.getLogger(CheckpointStore.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final int keep;

  /**
   * @param dir the checkpoint folder
   * @param keep how many of the newest checkpoints this image wrote to keep
   */
  public CheckpointStore(Path dir, int keep) {
    this.dir = dir;
    this.keep = keep;
  }

  public Path dir() {
    return dir;
  }

  /** The model file of the checkpoint after {@code rounds} rounds: iteration {@code rounds - 1}. */
  public Path modelFile(int rounds) {
    return dir.resolve(PREFIX + (rounds - 1));
  }

  /**
   * Writes the checkpoint of a model holding {@code rounds} rounds, then drops older ones of ours.
   * A model of that name that this image did not write (no state file beside it) is left as it is,
   * and this round gets no checkpoint (with a warning).
   *
   * @return whether the checkpoint was written
   */
  public boolean save(int rounds, byte[] model, TrainerState state) {
    Path modelFile = modelFile(rounds);
    if (Files.exists(modelFile) && !Files.exists(stateFile(modelFile))) {
      LOG.warning("not writing checkpoint " + modelFile + ": a model of that name that this job did not write is"
          + " there (another job's checkpoint), and it is left as it is");
      return false;
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("rounds", rounds);
    doc.put("model_sha256", sha256(model));
    doc.put("state", state.toJson());
    try {
      AtomicFiles.write(modelFile, model);
      AtomicFiles.write(stateFile(modelFile), JSON.writeValueAsBytes(doc));
    } catch (IOException e) {
      throw new PlatformError("cannot write checkpoint " + modelFile + ": " + e.getMessage(), e);
    }
    prune();
    return true;
  }

  /** {@link #latest(Predicate)} accepting every checkpoint without a state file. */
  public Optional<Checkpoint> latest() {
    return latest(c -> true);
  }

  /**
   * The newest usable checkpoint. When this image has written here (some model has its state file),
   * that is the newest model matching its state file; damaged ones are skipped with a warning.
   * Otherwise it is the newest plain model that {@code usable} accepts (the caller loads it to see
   * whether XGBoost can read it).
   */
  public Optional<Checkpoint> latest(Predicate<Checkpoint> usable) {
    List<Integer> iterations = iterationsNewestFirst();
    boolean ours = iterations.stream().anyMatch(n -> Files.exists(stateFile(dir.resolve(PREFIX + n))));
    for (int n : iterations) {
      Path modelFile = dir.resolve(PREFIX + n);
      Path state = stateFile(modelFile);
      try {
        if (!ours) {
          Checkpoint plain = new Checkpoint(n + 1, Files.readAllBytes(modelFile), TrainerState.EMPTY, modelFile, false);
          if (usable.test(plain)) {
            return Optional.of(plain);
          }
          continue;
        }
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
        return Optional.of(new Checkpoint(n + 1, model, TrainerState.fromJson(trainerState), modelFile, true));
      } catch (IOException | RuntimeException e) {
        LOG.warning("skipping checkpoint " + modelFile + ": " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  private List<Integer> iterationsNewestFirst() {
    List<Integer> iterations = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return iterations;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(p -> {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches() && Files.isRegularFile(p)) {
          iterations.add(Integer.parseInt(m.group(1)));
        }
      });
    } catch (IOException e) {
      throw new PlatformError("cannot list the checkpoint folder " + dir + ": " + e.getMessage(), e);
    }
    iterations.sort((a, b) -> Integer.compare(b, a));
    return iterations;
  }

  /**
   * Deletes this image's checkpoints beyond the newest {@code keep}. A model without a state file
   * is left alone: it may be another job's (the official image's), and this image deletes only
   * what it wrote.
   */
  private void prune() {
    List<Integer> ours = iterationsNewestFirst().stream()
        .filter(n -> Files.exists(stateFile(dir.resolve(PREFIX + n)))).toList();
    for (int i = keep; i < ours.size(); i++) {
      Path modelFile = dir.resolve(PREFIX + ours.get(i));
      // the state file goes last: while it exists the model is known to be ours
      for (Path file : List.of(modelFile, stateFile(modelFile))) {
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
