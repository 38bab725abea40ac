package io.github.xgbcontainer.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.output.ModelValidator;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Damaged models through the validator and, when it lets them pass, XGBoost's native loader and a
 * prediction, as {@code serve} loads a model. A model the validator passes must never crash the
 * JVM (a native crash ends the run as a finding); the allowed outcomes are a user error, an
 * XGBoost error, or a model that predicts.
 *
 * <p>Random bytes would almost never get past the first byte, so the fuzzer damages real models
 * instead: it picks one of four trained here (trees, multi-class trees, dart, linear; UBJSON or
 * JSON), flips bits at places it chooses and may cut the file short.
 */
class ModelLoadingFuzzTest {

  private static final List<byte[]> MODELS = models();

  @FuzzTest(maxDuration = "10s")
  void damagedModel(FuzzedDataProvider data) throws XGBoostError {
    byte[] model = MODELS.get(data.consumeInt(0, MODELS.size() - 1)).clone();
    int flips = data.consumeInt(0, 8);
    for (int i = 0; i < flips; i++) {
      model[data.consumeInt(0, model.length - 1)] ^= data.consumeByte();
    }
    if (data.consumeBoolean()) {
      model = java.util.Arrays.copyOf(model, data.consumeInt(0, model.length));
    }
    try {
      ModelValidator.validate("xgboost-model", model);
    } catch (UserError expected) {
      return;
    }
    Booster booster;
    try {
      booster = XGBoost.loadModel(model);
    } catch (XGBoostError | IOException expected) {
      return;
    }
    try {
      // As serve does; OpenMP threads spinning for each other would make each run take a second.
      booster.setParam("nthread", 1);
      DMatrix rows = new DMatrix(new float[] {1, 2, 3, 4, 5, 6}, 2, 3, Float.NaN);
      try {
        booster.predict(rows);
      } catch (XGBoostError expected) {
        // e.g. a damaged num_feature that no longer matches the rows
      } finally {
        rows.dispose();
      }
    } finally {
      booster.dispose();
    }
  }

  private static List<byte[]> models() {
    try {
      int n = 120;
      float[] x = new float[n * 3];
      float[] y = new float[n];
      float[] classes = new float[n];
      for (int i = 0; i < n; i++) {
        x[3 * i] = i % 13;
        x[3 * i + 1] = i % 7;
        x[3 * i + 2] = i % 5;
        y[i] = x[3 * i] + x[3 * i + 1] > 9 ? 1 : 0;
        classes[i] = i % 3;
      }
      List<Map<String, Object>> settings = List.of(
          Map.of("objective", "binary:logistic"),
          Map.of("objective", "multi:softprob", "num_class", 3),
          Map.of("objective", "binary:logistic", "booster", "dart", "rate_drop", 0.5),
          Map.of("objective", "binary:logistic", "booster", "gblinear"));
      List<byte[]> models = new java.util.ArrayList<>();
      for (Map<String, Object> params : settings) {
        DMatrix d = new DMatrix(x, n, 3, Float.NaN);
        d.setLabel(params.containsKey("num_class") ? classes : y);
        Map<String, Object> all = new HashMap<>(params);
        all.put("nthread", 1);
        all.put("max_depth", 3);
        Booster booster = XGBoost.train(d, all, 2, Map.of(), null, null);
        models.add(booster.toByteArray("ubj"));
        models.add(booster.toByteArray("json"));
        booster.dispose();
        d.dispose();
      }
      return models;
    } catch (XGBoostError e) {
      throw new IllegalStateException(e);
    }
  }
}
