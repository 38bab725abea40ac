package io.github.xgbcontainer.serve;

import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.matrix.NativeShim;
import io.github.xgbcontainer.output.ModelSummary;
import io.github.xgbcontainer.output.ModelValidator;
import io.github.xgbcontainer.sagemaker.ServingVariables;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The booster being served, loaded once, with what the response needs to know about it; or the
 * boosters of a model folder served as one ensemble.
 *
 * <p>Prediction goes in place (no DMatrix is built), dense and CSR rows alike, through the native
 * shim's proxy matrix kept per request thread ({@link NativeShim#predictDense}): xgboost4j's
 * {@code inplace_predict} makes a new proxy per call, whose construction reads the cgroup's CPU
 * files, the largest native cost of a one-row request. Without the shim, dense rows go through
 * {@code inplace_predict} and sparse rows through a CSR DMatrix; SHAP contributions always through
 * a CSR DMatrix. XGBoost's prediction is thread-safe on one booster, so every request
 * thread shares this one; the booster runs one OpenMP thread per request (as the official image
 * sets {@code nthread=1}), and requests run in parallel instead.
 *
 * @see <a href="https://xgboost.readthedocs.io/en/stable/prediction.html#thread-safety">XGBoost: prediction thread safety</a>
 */
final class ServedModel implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ServedModel.class.getName());
  private static final int[] ALL_TREES = {0, 0};

  /** The largest model file loaded: a Java array's limit, and far above any real model. */
  static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 8;

  private final Booster[] boosters;
  // The boosters' native handles when the shim predicts in place (a proxy matrix kept per thread),
  // else null and xgboost4j predicts (a new proxy, or a DMatrix, every call).
  private final long[] handles;
  private final List<String> files;
  // multi:softmax and binary:hinge predict classes: an ensemble of them votes, as the official
  // image does (scipy's mode: the most frequent class, the smallest on a tie); the rest average.
  private final boolean vote;
  private final long bytes;
  // Predictions hold the read lock, close the write lock: a request still predicting when the
  // stop grace runs out (or its model is unloaded) must not find its booster freed under it.
  private final ReentrantReadWriteLock use = new ReentrantReadWriteLock();
  private boolean closed;
  private final int features;
  private final String objective;
  private final int numClass;
  private volatile InferenceOutput output = InferenceOutput.scores();

  private ServedModel(Booster[] boosters, List<String> files, long bytes, int features, String objective,
      int numClass) {
    this.boosters = boosters;
    this.handles = handles(boosters);
    this.files = files;
    this.bytes = bytes;
    this.features = features;
    this.objective = objective;
    this.numClass = numClass;
    this.vote = boosters.length > 1 && (objective.equals("multi:softmax") || objective.equals("binary:hinge"));
  }

  /**
   * Loads the model of a model folder as the official image does: every file directly in it
   * (names starting with {@code .} skipped, with a warning); one file is the model, several are an
   * ensemble whose answer is their mean (a vote for class-valued objectives), or, with
   * {@code ensemble} false, the first of them in name order. Cross-validation's fold models
   * ({@code xgboost-model-0 .. K-1}) are served so.
   *
   * @param device XGBoost's {@code device} to predict on: {@code cpu} or {@code cuda:N}
   * @throws UserError when the folder holds no model, or a file is not a model this server loads
   */
  static ServedModel loadFolder(Path dir, boolean ensemble, String device) {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        // any entry that is not a folder: a regular file, a link to one, or a FIFO being written
        if (Files.isDirectory(entry)) {
          continue;
        }
        if (entry.getFileName().toString().startsWith(".")) {
          LOG.warning("ignoring the dot file " + entry + " in the model folder, perhaps you should leave dot"
              + " files out of model.tar.gz");
          continue;
        }
        found.add(entry);
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      // no folder: answered below as no model
    } catch (IOException e) {
      throw new PlatformError("cannot list the model folder " + dir + ": " + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      throw new UserError("no model at " + dir.resolve("xgboost-model") + ", perhaps you should point the model's"
          + " ModelDataUrl at the model.tar.gz a training job of this image wrote");
    }
    found.sort(Comparator.comparing(p -> p.getFileName().toString(), ServedModel::compareNames));
    List<Path> chosen = ensemble ? found : found.subList(0, 1);
    if (!ensemble && found.size() > 1) {
      LOG.info(ServingVariables.INFERENCE_ENSEMBLE + " is not true: serving the first of " + found.size()
          + " model files in " + dir + " by name, '" + found.get(0).getFileName() + "'");
    }
    ServedModel model = load(chosen, device);
    if (chosen.size() > 1) {
      LOG.info("loaded " + chosen.size() + " model files from " + dir + " as one ensemble ("
          + ServingVariables.INFERENCE_ENSEMBLE + "): " + String.join(", ", model.files) + "; each answer is"
          + (model.vote ? " their vote (the most frequent class, " + model.objective + ")"
              : " their mean (" + model.objective + ")"));
    }
    return model;
  }

  private static ServedModel load(List<Path> paths, String device) {
    Booster[] boosters = new Booster[paths.size()];
    List<String> names = new ArrayList<>();
    long bytes = 0;
    int loaded = 0;
    try {
      ModelSummary first = null;
      for (Path file : paths) {
        String name = file.getFileName().toString();
        byte[] content = read(file);
        bytes += content.length;
        // The validator has decoded the file already: the objective and class count come from it,
        // not from XGBoost writing the model out as JSON again (that took half the load).
        ModelSummary summary = check(name, content);
        Booster booster = boosterOf(name, content);
        boosters[loaded++] = booster;
        names.add(name);
        try {
          booster.setParam("nthread", 1);
          if (!device.equals("cpu")) {
            booster.setParam("device", device);
          }
        } catch (XGBoostError e) {
          throw new AlgorithmError("cannot configure model '" + name + "': " + e.getMessage(), e);
        }
        if (first == null) {
          first = summary;
        } else if (summary.features() != first.features()) {
          throw new UserError("model files '" + names.get(0) + "' and '" + name + "' take " + first.features()
              + " and " + summary.features() + " features; the model files of one folder are served as one"
              + " ensemble and must take the same features, perhaps you should deploy them as separate models or"
              + " set " + ServingVariables.INFERENCE_ENSEMBLE + "=false");
        }
      }
      if (first.features() > Integer.MAX_VALUE) {
        throw new UserError("model file '" + names.get(0) + "' takes " + first.features() + " features, more than"
            + " a request can hold, perhaps you should check that it is the model the training job wrote");
      }
      return new ServedModel(boosters, List.copyOf(names), bytes, (int) first.features(), first.objective(),
          first.numClass());
    } catch (RuntimeException e) {
      for (int i = 0; i < loaded; i++) {
        boosters[i].dispose();
      }
      throw e;
    }
  }

  private static byte[] read(Path file) {
    try {
      long size = Files.size(file);
      if (size > MAX_MODEL_BYTES) {
        throw new UserError("model file '" + file.getFileName() + "' is " + size + " bytes, over the "
            + MAX_MODEL_BYTES + " bytes this server loads, perhaps you should check that it is the model"
            + " the training job wrote");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UserError("no model at " + file + ", perhaps you should point the model's"
          + " ModelDataUrl at the model.tar.gz a training job of this image wrote");
    } catch (IOException e) {
      throw new PlatformError("cannot read the model " + file + ": " + e.getMessage(), e);
    }
  }

  /** Refuses pickles, legacy binaries and damaged models before XGBoost's loader sees them. */
  private static ModelSummary check(String name, byte[] bytes) {
    switch (ModelFormat.detect(bytes)) {
      case PICKLE -> throw new UserError("model file '" + name + "' is a Python pickle, not an XGBoost"
          + " model file, perhaps you should load it in Python (pickle.load) and re-save it with"
          + " booster.save_model('" + name + ".ubj'), then rename that file to '" + name + "'");
      case LEGACY_BINARY -> throw new UserError("model file '" + name + "' is in XGBoost's legacy binary"
          + " format, which XGBoost 3 no longer reads, perhaps you should load it with xgboost 1.x or 2.0"
          + " (booster.load_model) and re-save it with booster.save_model('" + name + ".json'),"
          + " then rename that file to '" + name + "'");
      default -> { }
    }
    // XGBoost's loader trusts the file: a damaged one can crash the JVM or allocate gigabytes.
    return ModelValidator.validate(name, bytes);
  }

  private static Booster boosterOf(String name, byte[] bytes) {
    try {
      return XGBoost.loadModel(bytes);
    } catch (XGBoostError | IOException e) {
      throw new UserError("model file '" + name + "' cannot be loaded: " + firstLine(e.getMessage())
          + ", perhaps you should re-save it with booster.save_model('" + name + ".ubj')", e);
    }
  }

  /** Name order with numbers compared by value, so that {@code xgboost-model-2} comes before {@code -10}. */
  static int compareNames(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
        String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
        int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
        if (c != 0) {
          return c;
        }
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** How this process predicts, for the server's start-up log. */
  static String predictionPath() {
    return NativeShim.available()
        ? "predicting in place through the native shim: dense and sparse rows alike, through a proxy matrix kept"
            + " per request thread, one OpenMP thread per request"
        : "predicting through xgboost4j (a new proxy matrix for dense rows, a DMatrix for sparse rows, per"
            + " request), one OpenMP thread per request; the native shim is unavailable: "
            + NativeShim.unavailableReason();
  }

  private static long[] handles(Booster[] boosters) {
    if (!NativeShim.available()) {
      return null;
    }
    long[] handles = new long[boosters.length];
    for (int i = 0; i < boosters.length; i++) {
      handles[i] = NativeShim.boosterHandle(boosters[i]);
      if (handles[i] == 0) {
        LOG.warning("predicting through xgboost4j instead of the native shim: xgboost4j's booster handle cannot"
            + " be read");
        return null;
      }
    }
    return handles;
  }

  /** Whether predictions go through the native shim's per-thread proxy rather than xgboost4j. */
  boolean predictsInPlace() {
    return handles != null;
  }

  /** What each record of an answer holds (set once, after loading). */
  InferenceOutput output() {
    return output;
  }

  /** Sets what each record holds, from {@code SAGEMAKER_INFERENCE_OUTPUT} ({@code null}: the score). */
  ServedModel answering(String inferenceOutput) {
    this.output = InferenceOutput.forModel(inferenceOutput, this);
    return this;
  }

  /** The model files served, in name order. */
  List<String> files() {
    return files;
  }

  /** The bytes of the model files: what a model counts for in a multi-model endpoint's memory budget. */
  long bytes() {
    return bytes;
  }

  /** The number of features the model was trained on. */
  int features() {
    return features;
  }

  /** The objective's name, e.g. {@code binary:logistic}. */
  String objective() {
    return objective;
  }

  /** {@code num_class} for multi-class objectives, else 0. */
  int numClass() {
    return numClass;
  }

  /**
   * Predicts every row with every tree, as {@code Booster.predict} does.
   *
   * @param margin whether to return the untransformed margin instead of the objective's output
   * @return one array per row: one value, or one per class for {@code multi:softprob}
   */
  float[][] predict(Rows rows, boolean margin) {
    checkFeatures(rows);
    acquire();
    try {
      float[][][] each = new float[boosters.length][][];
      if (handles != null) {
        String[] error = new String[1];
        for (int m = 0; m < boosters.length; m++) {
          float[] flat = rows.isDense()
              ? NativeShim.predictDense(handles[m], rows.values(), rows.rows(), rows.columns(), margin, error)
              : NativeShim.predictCsr(handles[m], rows.indptr(), rows.indices(), rows.values(), features, margin,
                  error);
          if (flat == null) {
            throw new AlgorithmError("prediction failed: " + firstLine(error[0]));
          }
          each[m] = byRow(flat, rows.rows());
        }
        return combine(each, vote && !margin);
      }
      if (rows.isDense()) {
        for (int m = 0; m < boosters.length; m++) {
          each[m] = boosters[m].inplace_predict(rows.values(), rows.rows(), rows.columns(), Float.NaN, ALL_TREES,
              margin ? Booster.PredictionType.kMargin : Booster.PredictionType.kValue, null);
        }
        return combine(each, vote && !margin);
      }
      DMatrix matrix = matrix(rows);
      try {
        for (int m = 0; m < boosters.length; m++) {
          each[m] = boosters[m].predict(matrix, margin, 0);
        }
        return combine(each, vote && !margin);
      } finally {
        matrix.dispose();
      }
    } catch (XGBoostError e) {
      throw new AlgorithmError("prediction failed: " + firstLine(e.getMessage()), e);
    } finally {
      use.readLock().unlock();
    }
  }

  /** SHAP contributions: per row, one value per feature and the bias last (per class for multi-class). */
  float[][] contributions(Rows rows) {
    checkFeatures(rows);
    acquire();
    try {
      DMatrix matrix = matrix(rows);
      try {
        float[][][] each = new float[boosters.length][][];
        for (int m = 0; m < boosters.length; m++) {
          each[m] = boosters[m].predictContrib(matrix, 0);
        }
        // SHAP values are additive: the mean of the models' contributions explains their mean margin
        return combine(each, false);
      } finally {
        matrix.dispose();
      }
    } catch (XGBoostError e) {
      throw new AlgorithmError("contributions failed: " + firstLine(e.getMessage()), e);
    } finally {
      use.readLock().unlock();
    }
  }

  /** Row-major predictions cut into one array per row. */
  private static float[][] byRow(float[] flat, int rows) {
    int width = flat.length / rows;
    float[][] out = new float[rows][];
    for (int r = 0; r < rows; r++) {
      out[r] = Arrays.copyOfRange(flat, r * width, (r + 1) * width);
    }
    return out;
  }

  /** One model's answer as it is; several models' per-value mean, or per-row vote. */
  private static float[][] combine(float[][][] each, boolean vote) {
    if (each.length == 1) {
      return each[0];
    }
    float[][] out = new float[each[0].length][];
    for (int r = 0; r < out.length; r++) {
      int width = each[0][r].length;
      out[r] = new float[width];
      for (int k = 0; k < width; k++) {
        if (vote) {
          out[r][k] = mode(each, r, k);
        } else {
          double sum = 0;
          for (float[][] answer : each) {
            sum += answer[r][k];
          }
          out[r][k] = (float) (sum / each.length);
        }
      }
    }
    return out;
  }

  /** The most frequent value, the smallest of those tied (scipy.stats.mode). */
  private static float mode(float[][][] each, int r, int k) {
    float best = Float.NaN;
    int bestCount = 0;
    for (float[][] candidate : each) {
      float v = candidate[r][k];
      int count = 0;
      for (float[][] answer : each) {
        if (Float.compare(answer[r][k], v) == 0) {
          count++;
        }
      }
      if (count > bestCount || (count == bestCount && v < best)) {
        best = v;
        bestCount = count;
      }
    }
    return best;
  }

  private DMatrix matrix(Rows rows) throws XGBoostError {
    if (rows.isDense()) {
      return new DMatrix(rows.values(), rows.rows(), rows.columns(), Float.NaN);
    }
    return new DMatrix(rows.indptr(), rows.indices(), rows.values(), DMatrix.SparseType.CSR, features,
        Float.NaN, 1);
  }

  private void checkFeatures(Rows rows) {
    if (rows.isDense() && rows.columns() != features) {
      throw new UserError("expected " + features + " features, found " + rows.columns()
          + (rows.columns() == features + 1
              ? ", perhaps you should drop the label column (inference rows hold features only)"
              : ", perhaps you should send the columns the model was trained on"));
    }
    if (!rows.isDense() && rows.columns() > features) {
      throw new UserError("expected " + features + " features (indices 0 to " + (features - 1)
          + "), found index " + (rows.columns() - 1) + ", perhaps you should number features as in"
          + " the training data (zero-based)");
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    int trace = message.indexOf("\nStack trace:");
    String text = trace < 0 ? message : message.substring(0, trace);
    return text.strip();
  }

  private void acquire() {
    use.readLock().lock();
    if (closed) {
      use.readLock().unlock();
      throw new HttpFailure(503, "the server is stopping, perhaps you should send the request again");
    }
  }

  @Override
  public void close() {
    use.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        for (Booster booster : boosters) {
          booster.dispose();
        }
      }
    } finally {
      use.writeLock().unlock();
    }
  }
}
