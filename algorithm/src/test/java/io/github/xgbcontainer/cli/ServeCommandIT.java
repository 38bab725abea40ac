package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", TrainJob.JAR.toAbsolutePath().toString(), "serve");
    pb.environment().put("SAGEMAKER_BASE_DIR", job.root.toString());
    pb.environment().put("SAGEMAKER_BIND_TO_PORT", "0");
    pb.redirectErrorStream(true);
    pb.redirectOutput(err.toFile());
    Process server = pb.start();
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
  }

  @Test
  void pickledModel_failsAtStartWithTheWayOut() throws Exception {
    Path root = dir.resolve("pickled");
    Files.createDirectories(root.resolve("model"));
    Files.copy(TrainJob.ANCHOR.resolve("models/pickled_model/xgboost-model"), root.resolve("model/xgboost-model"));
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", TrainJob.JAR.toAbsolutePath().toString(), "serve");
    pb.environment().put("SAGEMAKER_BASE_DIR", root.toString());
    pb.environment().put("SAGEMAKER_BIND_TO_PORT", "0");
    pb.redirectErrorStream(true);
    Process process = pb.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, process.exitValue(), output);
    assertTrue(output.contains("ClientError: model file 'xgboost-model' is a Python pickle, not an XGBoost model"
        + " file, perhaps you should load it in Python (pickle.load) and re-save it with"
        + " booster.save_model('xgboost-model.ubj'), then rename that file to 'xgboost-model'"), output);
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
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:MaxDirectMemorySize=64m", "-jar", TrainJob.JAR.toAbsolutePath().toString(), "serve");
    pb.environment().put("SAGEMAKER_BASE_DIR", root.toString());
    pb.environment().put("SAGEMAKER_BIND_TO_PORT", "0");
    pb.redirectErrorStream(true);
    pb.redirectOutput(err.toFile());
    Process server = pb.start();
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
