package io.github.xgbcontainer.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.LogCapture;
import io.github.xgbcontainer.matrix.NativeShim;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prediction through the native shim's per-thread proxy, against xgboost4j's own predict, and loading. */
class ServedModelTest {

  private static final int N = 300;

  @TempDir
  Path dir;

  /** Three features, every seventh value of the second one missing; labels for two or three classes. */
  private static Booster train(Map<String, Object> params, int classes) throws Exception {
    float[] x = new float[N * 3];
    float[] y = new float[N];
    for (int i = 0; i < N; i++) {
      x[3 * i] = i % 13;
      x[3 * i + 1] = i % 7 == 0 ? Float.NaN : i % 11;
      x[3 * i + 2] = (i * 7) % 5;
      y[i] = (x[3 * i] + x[3 * i + 2]) % classes;
    }
    DMatrix d = new DMatrix(x, N, 3, Float.NaN);
    try {
      d.setLabel(y);
      Map<String, Object> all = new java.util.HashMap<>(params);
      all.put("max_depth", 4);
      all.put("nthread", 1);
      return XGBoost.train(d, all, 20, Map.of(), null, null);
    } finally {
      d.dispose();
    }
  }

  private ServedModel serve(Booster booster) throws Exception {
    Path models = Files.createDirectories(dir.resolve("model"));
    Files.write(models.resolve("xgboost-model"), booster.toByteArray("ubj"));
    return ServedModel.loadFolder(models, true, "cpu");
  }

  /** Rows 0..n-1 of a grid unlike the training rows, dense with some missing values. */
  private static float[] rows(int n) {
    float[] x = new float[n * 3];
    for (int i = 0; i < n; i++) {
      x[3 * i] = (i * 0.37f) % 14;
      x[3 * i + 1] = i % 5 == 0 ? Float.NaN : (i * 1.3f) % 12;
      x[3 * i + 2] = i % 6;
    }
    return x;
  }

  /** The same rows as CSR, the missing values left out. */
  private static Rows csr(float[] dense, int n) {
    long[] indptr = new long[n + 1];
    List<Integer> indices = new ArrayList<>();
    List<Float> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) {
        if (!Float.isNaN(dense[3 * i + j])) {
          indices.add(j);
          values.add(dense[3 * i + j]);
        }
      }
      indptr[i + 1] = indices.size();
    }
    float[] v = new float[values.size()];
    int[] k = new int[indices.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = values.get(i);
      k[i] = indices.get(i);
    }
    return new Rows(n, 3, v, indptr, k);
  }

  private static float[][] expected(Booster booster, float[] dense, int n, boolean margin) throws Exception {
    DMatrix d = new DMatrix(dense, n, 3, Float.NaN);
    try {
      return booster.predict(d, margin, 0);
    } finally {
      d.dispose();
    }
  }

  @Test
  void predict_inPlaceThroughTheShim_denseAndSparse_asBoosterPredict() throws Exception {
    assertTrue(NativeShim.available(), NativeShim.unavailableReason());
    Booster booster = train(Map.of("objective", "binary:logistic"), 2);
    try (ServedModel model = serve(booster)) {
      assertTrue(model.predictsInPlace());
      for (int n : new int[] {1, 150}) {
        float[] x = rows(n);
        assertArrayEquals(expected(booster, x, n, false), model.predict(Rows.dense(n, 3, x), false));
        assertArrayEquals(expected(booster, x, n, true), model.predict(Rows.dense(n, 3, x), true));
        assertArrayEquals(expected(booster, x, n, false), model.predict(csr(x, n), false));
      }
    } finally {
      booster.dispose();
    }
  }

  @Test
  void predict_softprob_oneRowOfProbabilitiesPerRow_asBoosterPredict() throws Exception {
    Booster booster = train(Map.of("objective", "multi:softprob", "num_class", 3), 3);
    try (ServedModel model = serve(booster)) {
      float[] x = rows(40);
      float[][] answer = model.predict(Rows.dense(40, 3, x), false);
      assertEquals(3, answer[0].length);
      assertArrayEquals(expected(booster, x, 40, false), answer);
      assertArrayEquals(expected(booster, x, 40, false), model.predict(csr(x, 40), false));
    } finally {
      booster.dispose();
    }
  }

  @Test
  void predict_manyThreadsAtOnce_eachWithItsOwnProxy_asBoosterPredict() throws Exception {
    Booster booster = train(Map.of("objective", "binary:logistic"), 2);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (ServedModel model = serve(booster)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int n = 1 + t * 7;
        float[] x = rows(n);
        float[][] want = expected(booster, x, n, false);
        done.add(pool.submit(() -> {
          for (int i = 0; i < 300; i++) {
            assertArrayEquals(want, model.predict(i % 2 == 0 ? Rows.dense(n, 3, x) : csr(x, n), false));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
      booster.dispose();
    }
  }

  @Test
  void load_objectiveClassesAndFeatures_comeFromTheValidatedFile() throws Exception {
    Booster booster = train(Map.of("objective", "multi:softprob", "num_class", 3), 3);
    try (ServedModel model = serve(booster)) {
      assertEquals("multi:softprob", model.objective());
      assertEquals(3, model.numClass());
      assertEquals(3, model.features());
    } finally {
      booster.dispose();
    }
  }

  @Test
  void serverLog_saysHowItPredicts() throws Exception {
    SageMakerPaths paths = ServedModels.binary(dir);
    try (LogCapture log = new LogCapture(ModelServer.class);
        ModelServer server = ModelServer.start(paths, new ServeSettings(0, 6, null, false, 2))) {
      assertTrue(log.messages().contains("predicting in place through the native shim: dense and sparse rows alike,"
          + " through a proxy matrix kept per request thread, one OpenMP thread per request"), log.messages()
          .toString());
    }
  }
}
