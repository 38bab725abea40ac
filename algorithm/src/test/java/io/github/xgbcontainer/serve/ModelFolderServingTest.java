package io.github.xgbcontainer.serve;

import static io.github.xgbcontainer.serve.ModelServerTest.get;
import static io.github.xgbcontainer.serve.ModelServerTest.numbers;
import static io.github.xgbcontainer.serve.ModelServerTest.post;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.LogCapture;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model folder with several model files (cross-validation's fold models, several boosters in one
 * model.tar.gz) served as the official image serves it, and readiness: {@code /ping} answers 200
 * only once the model is loaded. Real models trained here, real HTTP on port 0.
 */
class ModelFolderServingTest {

  static final int FEATURES = 3;
  static final int N = 240;
  static final String ROWS = "1.5,7.25,3\n8,2.5,0.5\n4.75,4.5,9\n0.25,9.5,6\n";

  @TempDir static Path dir;
  static float[] x;
  static float[] binaryLabels;
  static float[] classLabels;

  @BeforeAll
  static void data() {
    Random random = new Random(5);
    x = new float[N * FEATURES];
    binaryLabels = new float[N];
    classLabels = new float[N];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < FEATURES; j++) {
        x[i * FEATURES + j] = random.nextFloat() * 10;
      }
      binaryLabels[i] = x[i * FEATURES] + x[i * FEATURES + 1] + random.nextFloat() * 4 > 12 ? 1 : 0;
      classLabels[i] = (int) Math.min(2, (x[i * FEATURES + 2] + random.nextFloat() * 3) / 4.3f);
    }
  }

  /** One fold-like model: the rows of {@code fold} left out, so each model differs. */
  static Booster fold(float[] labels, Map<String, Object> params, int fold, int folds) throws Exception {
    int kept = 0;
    float[] xs = new float[N * FEATURES];
    float[] ys = new float[N];
    for (int i = 0; i < N; i++) {
      if (i % folds != fold) {
        System.arraycopy(x, i * FEATURES, xs, kept * FEATURES, FEATURES);
        ys[kept++] = labels[i];
      }
    }
    DMatrix d = new DMatrix(java.util.Arrays.copyOf(xs, kept * FEATURES), kept, FEATURES, Float.NaN);
    try {
      d.setLabel(java.util.Arrays.copyOf(ys, kept));
      Map<String, Object> all = new HashMap<>(params);
      all.put("nthread", 1);
      all.put("max_depth", 3);
      return XGBoost.train(d, all, 6, Map.of(), null, null);
    } finally {
      d.dispose();
    }
  }

  static float[][] predict(Booster booster) throws Exception {
    float[] rows = new float[4 * FEATURES];
    String[] lines = ROWS.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String[] cells = lines[i].split(",");
      for (int j = 0; j < FEATURES; j++) {
        rows[i * FEATURES + j] = Float.parseFloat(cells[j]);
      }
    }
    DMatrix d = new DMatrix(rows, lines.length, FEATURES, Float.NaN);
    try {
      return booster.predict(d);
    } finally {
      d.dispose();
    }
  }

  static SageMakerPaths folder(String name, Map<String, Booster> files) throws Exception {
    SageMakerPaths paths = new SageMakerPaths(dir.resolve(name));
    Files.createDirectories(paths.modelDir());
    for (Map.Entry<String, Booster> file : files.entrySet()) {
      Files.write(paths.modelDir().resolve(file.getKey()), file.getValue().toByteArray("ubj"));
    }
    return paths;
  }

  static ServeSettings settings() {
    return new ServeSettings(0, 6, null, false, 2);
  }

  @Test
  void crossValidationFoldModels_areServedAsTheirMean_andTheLogNamesThem() throws Exception {
    Booster[] folds = new Booster[3];
    Map<String, Booster> files = new java.util.LinkedHashMap<>();
    for (int k = 0; k < 3; k++) {
      folds[k] = fold(binaryLabels, Map.of("objective", "binary:logistic"), k, 3);
      files.put("xgboost-model-" + k, folds[k]);
    }
    SageMakerPaths paths = folder("cv", files);
    Files.writeString(paths.modelDir().resolve(".sagemaker-uploading"), "");
    float[][] expected = new float[4][1];
    for (int r = 0; r < 4; r++) {
      expected[r][0] = (float) (((double) predict(folds[0])[r][0] + predict(folds[1])[r][0] + predict(folds[2])[r][0]) / 3);
    }
    try (LogCapture log = new LogCapture(ServedModel.class);
        ModelServer server = ModelServer.start(paths, settings())) {
      HttpResponse<String> answer = post(server, "text/csv", null, ROWS.getBytes());
      assertEquals(200, answer.statusCode(), answer.body());
      assertArrayEquals(expected, numbers("text/csv", answer.body()));
      // each single model answers differently, so the mean is not one of them by chance
      assertTrue(predict(folds[0])[0][0] != expected[0][0]);
      assertEquals(List.of("ignoring the dot file " + paths.modelDir().resolve(".sagemaker-uploading")
              + " in the model folder, perhaps you should leave dot files out of model.tar.gz",
          "loaded 3 model files from " + paths.modelDir() + " as one ensemble (SAGEMAKER_INFERENCE_ENSEMBLE):"
              + " xgboost-model-0, xgboost-model-1, xgboost-model-2; each answer is their mean (binary:logistic)"),
          log.messages());
    } finally {
      for (Booster b : folds) {
        b.dispose();
      }
    }
  }

  @Test
  void softmaxEnsemble_votes_andEnsembleOff_servesTheFirstByName() throws Exception {
    Booster[] models = new Booster[3];
    Map<String, Booster> files = new java.util.LinkedHashMap<>();
    for (int k = 0; k < 3; k++) {
      models[k] = fold(classLabels, Map.of("objective", "multi:softmax", "num_class", 3), k, 3);
    }
    // numbered as a 12-fold job would: -2 comes before -10 in the order served
    files.put("xgboost-model-10", models[0]);
    files.put("xgboost-model-2", models[1]);
    files.put("xgboost-model-11", models[2]);
    SageMakerPaths paths = folder("softmax", files);
    try {
      float[][][] each = {predict(models[0]), predict(models[1]), predict(models[2])};
      float[][] votes = new float[4][1];
      for (int r = 0; r < 4; r++) {
        Map<Float, Integer> count = new java.util.TreeMap<>();
        for (float[][] p : each) {
          count.merge(p[r][0], 1, Integer::sum);
        }
        float best = Float.NaN;
        int most = 0;
        for (Map.Entry<Float, Integer> c : count.entrySet()) {
          if (c.getValue() > most) {
            best = c.getKey();
            most = c.getValue();
          }
        }
        votes[r][0] = best;
      }
      try (ModelServer server = ModelServer.start(paths, settings())) {
        assertArrayEquals(votes, numbers("text/csv", post(server, "text/csv", null, ROWS.getBytes()).body()));
      }
      try (LogCapture log = new LogCapture(ServedModel.class);
          ModelServer server = ModelServer.start(paths, settings().withEnsemble(false))) {
        assertArrayEquals(each[1], numbers("text/csv", post(server, "text/csv", null, ROWS.getBytes()).body()));
        assertEquals(List.of("SAGEMAKER_INFERENCE_ENSEMBLE is not true: serving the first of 3 model files in "
            + paths.modelDir() + " by name, 'xgboost-model-2'"), log.messages());
      }
    } finally {
      for (Booster b : models) {
        b.dispose();
      }
    }
  }

  @Test
  void modelFilesWithDifferentFeatures_areRefusedNamingBoth() throws Exception {
    Booster three = fold(binaryLabels, Map.of("objective", "binary:logistic"), 0, 2);
    DMatrix d = new DMatrix(new float[] {1, 2, 3, 4}, 2, 2, Float.NaN);
    d.setLabel(new float[] {0, 1});
    Booster two = XGBoost.train(d, Map.of("objective", "binary:logistic", "nthread", 1), 2, Map.of(), null, null);
    d.dispose();
    try {
      SageMakerPaths paths = folder("mixed", Map.of("a-model", three, "b-model", two));
      UserError e = assertThrows(UserError.class, () -> ModelServer.start(paths, settings()));
      assertEquals("model files 'a-model' and 'b-model' take 3 and 2 features; the model files of one folder are"
          + " served as one ensemble and must take the same features, perhaps you should deploy them as separate"
          + " models or set SAGEMAKER_INFERENCE_ENSEMBLE=false", e.getMessage());
    } finally {
      three.dispose();
      two.dispose();
    }
  }

  @Test
  void ping_is503UntilTheModelIsLoaded_then200_andTheLogSaysWhenItWasReady() throws Exception {
    Booster booster = fold(binaryLabels, Map.of("objective", "binary:logistic"), 0, 2);
    SageMakerPaths paths = new SageMakerPaths(dir.resolve("slow"));
    Files.createDirectories(paths.modelDir());
    // A FIFO as the model file: loading blocks until the test writes it, so the window is certain.
    Process mkfifo = new ProcessBuilder("mkfifo", paths.modelFile().toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor());
    try (LogCapture log = new LogCapture(ModelServer.class);
        ModelServer server = ModelServer.open(paths, settings())) {
      HttpResponse<String> ping = get(server, "/ping");
      assertEquals(503, ping.statusCode());
      assertEquals("the model is still loading\n", ping.body());
      HttpResponse<String> early = post(server, "text/csv", null, ROWS.getBytes());
      assertEquals(503, early.statusCode());
      assertEquals("the model is still loading, perhaps you should wait until /ping answers 200\n", early.body());
      try (OutputStream out = Files.newOutputStream(paths.modelFile())) {
        out.write(booster.toByteArray("ubj"));
      }
      server.awaitReady();
      assertEquals(200, get(server, "/ping").statusCode());
      assertArrayEquals(predict(booster), numbers("text/csv", post(server, "text/csv", null, ROWS.getBytes()).body()));
      String ready = log.messages().get(0);
      assertTrue(ready.matches("ready \\d+ ms after the JVM started \\(the model took \\d+ ms to load\\): serving"
          + " xgboost-model from " + java.util.regex.Pattern.quote(paths.modelDir().toString())
          + " \\(binary:logistic, 3 features\\) on port " + server.port()), ready);
    } finally {
      booster.dispose();
    }
  }
}
