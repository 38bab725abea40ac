package io.github.xgbcontainer.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.xgbcontainer.device.DeviceCheck;
import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.output.ModelValidator;
import io.github.xgbcontainer.sagemaker.ServingVariables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Logger;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The booster being served, loaded once, with what the response needs to know about it.
 *
 * <p>Prediction goes through {@code inplace_predict} for dense rows (no DMatrix is built: the
 * fastest path for one row and for a 150-row batch) and through a CSR DMatrix for sparse rows and
 * for SHAP contributions. XGBoost's prediction is thread-safe on one booster, so every request
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

  private final Booster booster;
  // Predictions hold the read lock, close the write lock: a request still predicting when the
  // stop grace runs out must not find its booster freed under it (a native crash).
  private final ReentrantReadWriteLock use = new ReentrantReadWriteLock();
  private boolean closed;
  private final int features;
  private final String objective;
  private final int numClass;

  private ServedModel(Booster booster, int features, String objective, int numClass) {
    this.booster = booster;
    this.features = features;
    this.objective = objective;
    this.numClass = numClass;
  }

  /**
   * Loads a JSON or UBJSON model file.
   *
   * @throws UserError when the file is missing, a Python pickle, or in the legacy binary format
   */
  static ServedModel load(Path file) {
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_MODEL_BYTES) {
        throw new UserError("model file '" + file.getFileName() + "' is " + size + " bytes, over the "
            + MAX_MODEL_BYTES + " bytes this server loads, perhaps you should check that it is the model"
            + " the training job wrote");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UserError("no model at " + file + ", perhaps you should point the model's"
          + " ModelDataUrl at the model.tar.gz a training job of this image wrote");
    } catch (IOException e) {
      throw new PlatformError("cannot read the model " + file + ": " + e.getMessage(), e);
    }
    String name = file.getFileName().toString();
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
    ModelValidator.validate(name, bytes);
    String device = DeviceCheck.forServing(ServingVariables.SERVE_DEVICE,
        System.getenv(ServingVariables.SERVE_DEVICE), LOG::info);
    Booster booster;
    try {
      booster = XGBoost.loadModel(bytes);
    } catch (XGBoostError | IOException e) {
      throw new UserError("model file '" + name + "' cannot be loaded: " + firstLine(e.getMessage())
          + ", perhaps you should re-save it with booster.save_model('" + name + ".ubj')", e);
    }
    try {
      booster.setParam("nthread", 1);
      if (!device.equals("cpu")) {
        booster.setParam("device", device);
      }
      JsonNode learner = new ObjectMapper().readTree(booster.toByteArray("json")).path("learner");
      String objective = learner.path("objective").path("name").asText("");
      int numClass = Integer.parseInt(learner.path("learner_model_param").path("num_class").asText("0"));
      int features = Math.toIntExact(booster.getNumFeature());
      return new ServedModel(booster, features, objective, numClass);
    } catch (XGBoostError | IOException | RuntimeException e) {
      booster.dispose();
      throw new AlgorithmError("cannot read the configuration of model '" + name + "': " + e.getMessage(), e);
    }
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
      if (rows.isDense()) {
        return booster.inplace_predict(rows.values(), rows.rows(), rows.columns(), Float.NaN, ALL_TREES,
            margin ? Booster.PredictionType.kMargin : Booster.PredictionType.kValue, null);
      }
      DMatrix matrix = matrix(rows);
      try {
        return booster.predict(matrix, margin, 0);
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
        return booster.predictContrib(matrix, 0);
      } finally {
        matrix.dispose();
      }
    } catch (XGBoostError e) {
      throw new AlgorithmError("contributions failed: " + firstLine(e.getMessage()), e);
    } finally {
      use.readLock().unlock();
    }
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
        booster.dispose();
      }
    } finally {
      use.writeLock().unlock();
    }
  }
}
