package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train} then {@code serve} from the same jar, each in a child JVM, as SageMaker runs them. */
class ServeCommandIT {

  @TempDir Path dir;

  @Test
  void modelTrainedByTrain_isServedOverHttp() throws Exception {
    StringBuilder data = new StringBuilder();
    StringBuilder request = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      float a = (i * 37 % 100) / 10f;
      float b = (i * 53 % 100) / 10f;
      data.append(a + b > 10 ? 1 : 0).append(',').append(a).append(',').append(b).append('\n');
      if (i < 5) {
        request.append(a).append(',').append(b).append('\n');
      }
    }
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"5\", \"objective\": \"binary:logistic\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/csv\"}}")
        .channelText("train", "train.csv", data.toString())
        .run();
    assertEquals(0, job.exitCode, job::toString);

    Path err = dir.resolve("serve-err.txt");
    Process server = serve(job.root, Map.of()).redirectOutput(err.toFile()).start();
    try {
      int port = awaitPort(err, server);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ping = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ping.statusCode());
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/invocations"))
          .header("Content-Type", "text/csv")
          .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer.body());

      Booster booster = XGBoost.loadModel(Files.newInputStream(job.model()));
      List<String> lines = request.toString().lines().toList();
      float[] x = new float[lines.size() * 2];
      for (int i = 0; i < lines.size(); i++) {
        String[] cells = lines.get(i).split(",");
        x[2 * i] = Float.parseFloat(cells[0]);
        x[2 * i + 1] = Float.parseFloat(cells[1]);
      }
      DMatrix d = new DMatrix(x, lines.size(), 2, Float.NaN);
      StringBuilder expected = new StringBuilder();
      for (float[] p : booster.predict(d)) {
        expected.append(p[0]).append('\n');
      }
      d.dispose();
      booster.dispose();
      assertEquals(expected.toString(), answer.body());
    } finally {
      server.destroy();
      assertTrue(server.waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
    }
    // Jetty logs through SLF4J: its provider is in the jar, so SLF4J does not warn that there is none
    String log = Files.readString(err);
    assertFalse(log.contains("SLF4J"), log);
  }

  @Test
  void pickledModel_failsAtStartWithTheWayOut() throws Exception {
    Path root = dir.resolve("pickled");
    Files.createDirectories(root.resolve("model"));
    Files.copy(TrainJob.ANCHOR.resolve("models/pickled_model/xgboost-model"), root.resolve("model/xgboost-model"));
    Process process = serve(root, Map.of()).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, process.exitValue(), output);
    assertTrue(output.contains("ClientError: model file 'xgboost-model' is a Python pickle, not an XGBoost model"
        + " file, perhaps you should load it in Python (pickle.load) and re-save it with"
        + " booster.save_model('xgboost-model.ubj'), then rename that file to 'xgboost-model'"), output);
  }

  @Test
  void sigterm_finishesTheRequestInFlight_refusesNewOnes_andExitsZero() throws Exception {
    Path root = dir.resolve("sigterm");
    Files.createDirectories(root.resolve("model"));
    float[] x = new float[100 * 2];
    float[] y = new float[100];
    for (int i = 0; i < 100; i++) {
      x[2 * i] = i % 10;
      x[2 * i + 1] = i % 7;
      y[i] = x[2 * i] > x[2 * i + 1] ? 1 : 0;
    }
    DMatrix train = new DMatrix(x, 100, 2, Float.NaN);
    train.setLabel(y);
    Booster booster = XGBoost.train(train, Map.of("objective", "binary:logistic", "nthread", 1), 3, Map.of(),
        null, null);
    Files.write(root.resolve("model/xgboost-model"), booster.toByteArray("ubj"));
    train.dispose();
    booster.dispose();

    Path log = dir.resolve("sigterm-serve.txt");
    Process server = serve(root, Map.of("XGBC_SERVE_STOP_GRACE_SECONDS", "20")).redirectOutput(log.toFile()).start();
    try {
      int port = awaitPort(log, server);
      // A first request loads the classes of the request path, so the slow one below is dispatched at once.
      HttpResponse<String> warm = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/invocations")).header("Content-Type", "text/csv")
          .POST(HttpRequest.BodyPublishers.ofString("1,2\n")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, warm.statusCode(), warm.body());
      byte[] rows = "1,2\n3,1\n5,5\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /invocations HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
            + "Content-Length: " + rows.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(rows, 0, rows.length / 2);
        out.flush();
        Thread.sleep(1000);
        server.destroy(); // SIGTERM, as SageMaker stops an endpoint
        for (int i = 0; i < 100 && !Files.readString(log).contains("SIGTERM received"); i++) {
          Thread.sleep(100);
        }
        assertTrue(Files.readString(log).contains("SIGTERM received: no new connections; finishing the requests"
            + " in progress (1), for up to 20 s"), Files.readString(log));
        // Past Jetty's default shutdown idle timeout of 1 s: the request must still be waited for.
        Thread.sleep(1500);
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(),
            "the port still accepts connections after SIGTERM");
        out.write(rows, rows.length / 2, rows.length - rows.length / 2);
        out.flush();
        String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(response.startsWith("HTTP/1.1 200 "), response);
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertEquals(3000, body.lines().count(), body);
      }
      assertTrue(server.waitFor(30, TimeUnit.SECONDS), "serve did not stop after SIGTERM");
      assertEquals(0, server.exitValue(), Files.readString(log));
      assertTrue(Files.readString(log).contains("every request answered"), Files.readString(log));
    } finally {
      server.destroyForcibly();
    }
  }

  /**
   * Byte flips in a real model, 25 seeded tries: each one either serves or stops at start with a
   * clean error naming the file. Without the validator, XGBoost's loader crashed the JVM on such
   * files (SIGSEGV in RegTree::LoadModel) or allocated gigabytes first.
   */
  @Test
  void damagedModels_serveOrFailCleanly_neverCrash() throws Exception {
    byte[] model = flipTarget();
    int served = 0;
    int refused = 0;
    for (int seed = FLIP_SEED; seed < FLIP_SEED + 25; seed++) {
      byte[] damaged = flip(model, seed);
      Path root = dir.resolve("flip-" + seed);
      Files.createDirectories(root.resolve("model"));
      Files.write(root.resolve("model/xgboost-model"), damaged);
      Path log = root.resolve("serve.txt");
      // run in root, so that a JVM crash leaves its hs_err file there
      Process server = serve(root, Map.of(), "-Xmx256m").directory(root.toFile()).redirectOutput(log.toFile()).start();
      try {
        Integer port = null;
        Pattern listening = Pattern.compile("features\\) on port ([0-9]+)");
        for (int i = 0; i < 1200 && port == null && server.isAlive(); i++) {
          Matcher m = listening.matcher(Files.readString(log));
          port = m.find() ? Integer.parseInt(m.group(1)) : null;
          Thread.sleep(50);
        }
        if (port != null) {
          HttpClient http = HttpClient.newHttpClient();
          assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping")).build(),
              HttpResponse.BodyHandlers.ofString()).statusCode(), "seed " + seed);
          HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + port + "/invocations")).header("Content-Type", "text/csv")
              .POST(HttpRequest.BodyPublishers.ofString("1,2,3\n4,5,6\n")).build(), HttpResponse.BodyHandlers.ofString());
          assertTrue(answer.statusCode() == 200 || answer.statusCode() == 400, "seed " + seed + ": "
              + answer.statusCode() + " " + answer.body());
          server.destroy();
          assertTrue(server.waitFor(60, TimeUnit.SECONDS), "seed " + seed + ": serve did not stop");
          assertEquals(0, server.exitValue(), "seed " + seed + ": " + Files.readString(log));
          served++;
        } else {
          assertTrue(server.waitFor(60, TimeUnit.SECONDS), "seed " + seed + ": serve neither started nor stopped");
          String output = Files.readString(log);
          assertTrue(server.exitValue() == 1 || server.exitValue() == 3, "seed " + seed + ": exit "
              + server.exitValue() + "\n" + output);
          assertTrue(output.contains("model file 'xgboost-model' ") || output.contains("model 'xgboost-model'"),
              "seed " + seed + ": the error does not name the file\n" + output);
          refused++;
        }
        try (var files = Files.list(root)) {
          assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList(),
              "seed " + seed + ": the JVM crashed");
        }
      } finally {
        server.destroyForcibly();
      }
    }
    assertEquals(25, served + refused);
  }

  /** The first of the 25 seeds: without the validator, some of these tries crash the JVM. */
  static final int FLIP_SEED = 0;

  /** A small real model: 3 features, 4 trees of depth 3, UBJSON as train writes it. */
  static byte[] flipTarget() throws Exception {
    float[] x = new float[200 * 3];
    float[] y = new float[200];
    for (int i = 0; i < 200; i++) {
      x[3 * i] = i % 13;
      x[3 * i + 1] = i % 7;
      x[3 * i + 2] = i % 5;
      y[i] = x[3 * i] + x[3 * i + 1] > 9 ? 1 : 0;
    }
    DMatrix train = new DMatrix(x, 200, 3, Float.NaN);
    train.setLabel(y);
    Booster booster = XGBoost.train(train, Map.of("objective", "binary:logistic", "max_depth", 3, "nthread", 1,
        "seed", 0), 4, Map.of(), null, null);
    try {
      return booster.toByteArray("ubj");
    } finally {
      booster.dispose();
      train.dispose();
    }
  }

  /** One to three bits flipped at seeded random places. */
  static byte[] flip(byte[] model, int seed) {
    Random random = new Random(seed);
    byte[] damaged = model.clone();
    int flips = 1 + random.nextInt(3);
    for (int i = 0; i < flips; i++) {
      damaged[random.nextInt(damaged.length)] ^= (byte) (1 << random.nextInt(8));
    }
    return damaged;
  }

  @Test
  void wideFirstLineThenBlankLines_isA400_withinAFewMegabytesOfMemory() throws Exception {
    Path root = dir.resolve("wide");
    Files.createDirectories(root.resolve("model"));
    DMatrix train = new DMatrix(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2, Float.NaN);
    train.setLabel(new float[] {0, 1, 0, 1});
    Booster booster = XGBoost.train(train, java.util.Map.of("objective", "binary:logistic", "nthread", 1), 2,
        java.util.Map.of(), null, null);
    Files.write(root.resolve("model/xgboost-model"), booster.toByteArray("ubj"));
    booster.dispose();
    train.dispose();
    // 64 MB of direct memory: sizing by line count asked for 1 GB (1,000 fields) or 4 GB (2,000) per request
    Path err = dir.resolve("wide-err.txt");
    Process server = serve(root, Map.of(), "-Xmx256m", "-XX:MaxDirectMemorySize=64m").redirectOutput(err.toFile())
        .start();
    try {
      int port = awaitPort(err, server);
      HttpClient http = HttpClient.newHttpClient();
      List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> answers = new java.util.ArrayList<>();
      for (int fields : new int[] {1000, 2000, 1000, 2000}) {
        String body = "1" + ",1".repeat(fields - 1) + "\n" + "\n".repeat(fields == 1000 ? 250_000 : 534_000);
        answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/invocations"))
            .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      int i = 0;
      for (java.util.concurrent.CompletableFuture<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("expected 2 features, found " + (i++ % 2 == 0 ? 1000 : 2000) + ", perhaps you should send"
            + " the columns the model was trained on\n", response.body());
      }
    } finally {
      server.destroy();
      assertTrue(server.waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
    }
  }

  /** {@code serve} in a child JVM on a free port, over {@code root} as /opt/ml, its output merged. */
  private static ProcessBuilder serve(Path root, Map<String, String> env, String... jvmOptions) {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-jar", TrainJob.JAR.toAbsolutePath().toString(), "serve"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("SAGEMAKER_BASE_DIR", root.toString());
    pb.environment().put("SAGEMAKER_BIND_TO_PORT", "0");
    pb.environment().putAll(env);
    return pb.redirectErrorStream(true);
  }

  private static int awaitPort(Path log, Process server) throws Exception {
    Pattern port = Pattern.compile("features\\) on port ([0-9]+)");
    for (int i = 0; i < 600; i++) {
      if (Files.exists(log)) {
        Matcher m = port.matcher(Files.readString(log));
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      if (!server.isAlive()) {
        throw new AssertionError("serve exited: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("serve did not start: " + Files.readString(log));
  }
}
