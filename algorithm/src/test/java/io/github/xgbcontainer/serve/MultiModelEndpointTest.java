package io.github.xgbcontainer.serve;

import static io.github.xgbcontainer.serve.ModelServerTest.numbers;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.LogCapture;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-model endpoint ({@code SAGEMAKER_MULTI_MODEL=true}) on port 0: models of different sizes
 * trained here with xgboost4j, loaded, listed, described, invoked, evicted under a memory budget
 * and unloaded over real HTTP, with the statuses and JSON bodies of the official image's model
 * server.
 */
class MultiModelEndpointTest {

  static final Path ANCHOR = ModelServerTest.ANCHOR;
  static final int FEATURES = 4;
  static final String ROWS = "1.5,7.25,3,2\n8,2.5,0.5,9\n4.75,4.5,9,1\n";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  /** Model name to booster; sizes grow with the rounds. */
  static final Map<String, Booster> boosters = new HashMap<>();
  static final Map<String, Long> sizes = new HashMap<>();

  @BeforeAll
  static void train() throws Exception {
    Random random = new Random(3);
    int n = 400;
    float[] x = new float[n * FEATURES];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < FEATURES; j++) {
        x[i * FEATURES + j] = random.nextFloat() * 10;
      }
      y[i] = x[i * FEATURES] * 2 - x[i * FEATURES + 3] + random.nextFloat();
    }
    int[] rounds = {2, 30, 12, 5, 60, 20, 8, 40};
    for (int m = 0; m < rounds.length; m++) {
      DMatrix d = new DMatrix(x, n, FEATURES, Float.NaN);
      try {
        d.setLabel(y);
        Booster b = XGBoost.train(d, Map.of("objective", "reg:squarederror", "max_depth", 4, "nthread", 1,
            "eta", 0.1 + m * 0.05), rounds[m], Map.of(), null, null);
        String name = "m" + m;
        boosters.put(name, b);
        Path folder = dir.resolve("models").resolve(name);
        Files.createDirectories(folder);
        byte[] bytes = b.toByteArray("ubj");
        Files.write(folder.resolve("xgboost-model"), bytes);
        sizes.put(name, (long) bytes.length);
      } finally {
        d.dispose();
      }
    }
  }

  @AfterAll
  static void dispose() {
    boosters.values().forEach(Booster::dispose);
  }

  static String url(String name) {
    return dir.resolve("models").resolve(name).toString();
  }

  static ModelServer start(long budget) {
    return ModelServer.start(new SageMakerPaths(dir.resolve("unused")),
        new ServeSettings(0, 6, null, false, 2).multiModel(budget));
  }

  static HttpResponse<String> send(ModelServer server, String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> load(ModelServer server, String name, String url) throws Exception {
    return send(server, "POST", "/models", "{\"model_name\": \"" + name + "\", \"url\": \"" + url + "\"}");
  }

  static float[][] expected(String name) throws Exception {
    String[] lines = ROWS.split("\n");
    float[] rows = new float[lines.length * FEATURES];
    for (int i = 0; i < lines.length; i++) {
      String[] cells = lines[i].split(",");
      for (int j = 0; j < FEATURES; j++) {
        rows[i * FEATURES + j] = Float.parseFloat(cells[j]);
      }
    }
    DMatrix d = new DMatrix(rows, lines.length, FEATURES, Float.NaN);
    try {
      return boosters.get(name).predict(d);
    } finally {
      d.dispose();
    }
  }

  static void assertPredicts(ModelServer server, String name) throws Exception {
    HttpResponse<String> answer = send(server, "POST", "/models/" + name + "/invoke", ROWS, "Content-Type", "text/csv");
    assertEquals(200, answer.statusCode(), name + ": " + answer.body());
    assertArrayEquals(expected(name), numbers("text/csv", answer.body()), name);
  }

  @Test
  void loadListDescribeInvokeUnload_withTheOfficialStatusesAndBodies() throws Exception {
    try (ModelServer server = start(1L << 30)) {
      assertEquals(200, send(server, "GET", "/ping", null).statusCode());
      assertEquals("{\"models\":[]}", send(server, "GET", "/models", null).body());

      HttpResponse<String> unknown = send(server, "DELETE", "/models/none", null);
      assertEquals(404, unknown.statusCode());
      assertEquals("{\"code\":404,\"type\":\"ModelNotFoundException\",\"message\":\"Model not found: none\"}",
          unknown.body());
      HttpResponse<String> invokeUnknown = send(server, "POST", "/models/none/invoke", ROWS);
      assertEquals(404, invokeUnknown.statusCode());
      assertEquals(unknown.body(), invokeUnknown.body());

      HttpResponse<String> loaded = load(server, "m0", url("m0"));
      assertEquals(200, loaded.statusCode(), loaded.body());
      assertEquals("{\"status\":\"Workers scaled\"}", loaded.body());
      HttpResponse<String> again = load(server, "m0", url("m1"));
      assertEquals(409, again.statusCode());
      assertEquals("{\"code\":409,\"type\":\"ConflictStatusException\",\"message\":\"Model m0 is already registered.\"}",
          again.body());
      assertEquals(200, load(server, "m1", url("m1")).statusCode());

      assertPredicts(server, "m0");
      assertPredicts(server, "m1");
      HttpResponse<String> byHeader = send(server, "POST", "/invocations", ROWS, "Content-Type", "text/csv",
          "X-Amzn-SageMaker-Target-Model", "m1", "Accept", "application/json");
      assertEquals(200, byHeader.statusCode(), byHeader.body());
      assertArrayEquals(expected("m1"), numbers("application/json", byHeader.body()));
      HttpResponse<String> noTarget = send(server, "POST", "/invocations", ROWS, "Content-Type", "text/csv");
      assertEquals(400, noTarget.statusCode());
      assertEquals("this is a multi-model endpoint (SAGEMAKER_MULTI_MODEL=true): no model named, perhaps you"
          + " should name it in the header X-Amzn-SageMaker-Target-Model or POST to /models/{name}/invoke\n",
          noTarget.body());

      assertEquals("{\"models\":[{\"modelName\":\"m0\",\"modelUrl\":\"" + url("m0") + "\"},{\"modelName\":\"m1\","
          + "\"modelUrl\":\"" + url("m1") + "\"}]}", send(server, "GET", "/models", null).body());
      assertEquals("{\"modelName\":\"m1\",\"modelUrl\":\"" + url("m1") + "\",\"status\":\"loaded\",\"memoryBytes\":"
          + sizes.get("m1") + ",\"objective\":\"reg:squarederror\",\"features\":4,\"files\":[\"xgboost-model\"]}",
          send(server, "GET", "/models/m1", null).body());

      HttpResponse<String> unloaded = send(server, "DELETE", "/models/m0", null);
      assertEquals(200, unloaded.statusCode());
      assertEquals("{\"status\":\"Model \\\"m0\\\" unregistered\"}", unloaded.body());
      HttpResponse<String> gone = send(server, "POST", "/models/m0/invoke", ROWS, "Content-Type", "text/csv");
      assertEquals(404, gone.statusCode());
      assertEquals("{\"code\":404,\"type\":\"ModelNotFoundException\",\"message\":\"Model not found: m0\"}", gone.body());

      HttpResponse<String> noFolder = load(server, "x", url("nowhere"));
      assertEquals(404, noFolder.statusCode());
      assertEquals("{\"code\":404,\"type\":\"ModelNotFoundException\",\"message\":\"Model not found at url "
          + url("nowhere") + ": it is not a folder, perhaps you should point url at the folder the model.tar.gz"
          + " was unpacked into\"}", noFolder.body());
      HttpResponse<String> noName = send(server, "POST", "/models", "{\"url\": \"" + url("m2") + "\"}");
      assertEquals(400, noName.statusCode());
      assertEquals("{\"code\":400,\"type\":\"BadRequestException\",\"message\":\"Parameter model_name is required.\"}",
          noName.body());
      HttpResponse<String> pickle = load(server, "pickled", ANCHOR.resolve("models/pickled_model").toAbsolutePath().toString());
      assertEquals(400, pickle.statusCode());
      assertTrue(pickle.body().startsWith("{\"code\":400,\"type\":\"ModelLoadException\",\"message\":\"model file"
          + " 'xgboost-model' is a Python pickle, not an XGBoost model file, perhaps you should load it in Python"), pickle.body());
      // a model that failed to load is not registered
      assertEquals(404, send(server, "GET", "/models/pickled", null).statusCode());
    }
  }

  @Test
  void manyModelsOfDifferentSizes_evictTheLeastRecentlyUsed_andOneOverTheBudgetIs507() throws Exception {
    // room for m1 (30 rounds), m2 (12) and m3 (5), not for m4 (60 rounds) beside them
    long budget = sizes.get("m1") + sizes.get("m2") + sizes.get("m3");
    try (LogCapture log = new LogCapture(ModelRegistry.class); ModelServer server = start(budget)) {
      for (String name : List.of("m1", "m2", "m3")) {
        assertEquals(200, load(server, name, url(name)).statusCode());
      }
      assertPredicts(server, "m1");
      assertPredicts(server, "m3");
      // m2 is now the least recently used: m6 (8 rounds, smaller than m2) takes its place
      assertTrue(sizes.get("m6") <= sizes.get("m2"));
      assertEquals(200, load(server, "m6", url("m6")).statusCode());
      assertEquals(404, send(server, "POST", "/models/m2/invoke", ROWS, "Content-Type", "text/csv").statusCode());
      assertTrue(log.messages().contains("unloading model 'm2' (" + ModelRegistry.mb(sizes.get("m2"))
          + "), the least recently used, to make room for 'm6' (" + ModelRegistry.mb(sizes.get("m6")) + ") within "
          + ModelRegistry.mb(budget)), log.messages().toString());
      for (String name : List.of("m1", "m3", "m6")) {
        assertPredicts(server, name);
      }

      long big = sizes.get("m4");
      assertTrue(big > budget);
      HttpResponse<String> tooBig = load(server, "m4", url("m4"));
      assertEquals(507, tooBig.statusCode());
      assertEquals("{\"code\":507,\"type\":\"InsufficientMemoryException\",\"message\":\"Model m4 needs "
          + ModelRegistry.mb(big) + " over the whole budget of " + ModelRegistry.mb(budget) + " (XGBC_MULTI_MODEL_MEMORY_MB),"
          + " perhaps you should raise XGBC_MULTI_MODEL_MEMORY_MB or use an instance with more memory\"}", tooBig.body());

      // every model that fits, in turn: each load evicts what it must, each answers as its booster
      List<String> order = new ArrayList<>(List.of("m0", "m5", "m7", "m2", "m1", "m3", "m6", "m0"));
      for (String name : order) {
        if (send(server, "GET", "/models/" + name, null).statusCode() == 404) {
          HttpResponse<String> answer = load(server, name, url(name));
          assertEquals(200, answer.statusCode(), name + ": " + answer.body());
        }
        assertPredicts(server, name);
      }
    }
  }

  @Test
  void aLoadRunsInTheBackground_otherModelsAnswerMeanwhile() throws Exception {
    try (ModelServer server = start(1L << 30)) {
      assertEquals(200, load(server, "m0", url("m0")).statusCode());
      Path slow = dir.resolve("slow");
      Files.createDirectories(slow);
      Process mkfifo = new ProcessBuilder("mkfifo", slow.resolve("xgboost-model").toString()).inheritIO().start();
      assertEquals(0, mkfifo.waitFor());
      CompletableFuture<HttpResponse<String>> loading = HTTP.sendAsync(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + server.port() + "/models"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"model_name\": \"slow\", \"url\": \"" + slow + "\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> status;
      do {
        status = send(server, "GET", "/models/slow", null);
      } while (status.statusCode() == 404);
      assertTrue(status.body().contains("\"status\":\"loading\""), status.body());
      assertPredicts(server, "m0");
      assertEquals(200, send(server, "GET", "/ping", null).statusCode());
      try (OutputStream out = Files.newOutputStream(slow.resolve("xgboost-model"))) {
        out.write(boosters.get("m5").toByteArray("ubj"));
      }
      assertEquals(200, loading.get().statusCode(), loading.get().body());
      HttpResponse<String> answer = send(server, "POST", "/models/slow/invoke", ROWS, "Content-Type", "text/csv");
      assertArrayEquals(expected("m5"), numbers("text/csv", answer.body()));
    }
  }
}
