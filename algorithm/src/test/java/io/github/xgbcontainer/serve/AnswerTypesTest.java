package io.github.xgbcontainer.serve;

import static io.github.xgbcontainer.serve.ModelServerTest.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.xgbcontainer.channel.RecordIoFrames;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Record;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Accept type the official image answers, {@code application/x-recordio-protobuf} included,
 * {@code SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT}, and batch transform payloads at the limit.
 */
class AnswerTypesTest {

  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String ROWS = "1.5,7.25\n8,2.5\n4.75,4.5\n";

  @TempDir static Path dir;
  static Booster booster;
  static SageMakerPaths paths;

  @BeforeAll
  static void train() throws Exception {
    paths = ServedModels.binary(dir.resolve("binary"));
    booster = XGBoost.loadModel(Files.readAllBytes(paths.modelFile()));
  }

  @AfterAll
  static void dispose() {
    booster.dispose();
  }

  static float[] predict(float[] rows, int n) throws Exception {
    DMatrix d = new DMatrix(rows, n, 2, Float.NaN);
    try {
      float[][] p = booster.predict(d);
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        out[i] = p[i][0];
      }
      return out;
    } finally {
      d.dispose();
    }
  }

  static float[] expected() throws Exception {
    return predict(new float[] {1.5f, 7.25f, 8, 2.5f, 4.75f, 4.5f}, 3);
  }

  static HttpResponse<byte[]> post(ModelServer server, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/invocations"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "text/csv");
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The records of a RecordIO-protobuf answer, read with training's frame reader. */
  static List<Record> records(byte[] body) throws Exception {
    RecordIoFrames frames = new RecordIoFrames(new ByteArrayInputStream(body));
    List<Record> out = new ArrayList<>();
    while (frames.next()) {
      out.add(Record.parseFrom(Arrays.copyOf(frames.buffer(), frames.length())));
    }
    return out;
  }

  static float label(Record record, String key) {
    List<Float> values = record.getLabelOrThrow(key).getFloat32Tensor().getValuesList();
    assertEquals(1, values.size(), key);
    return values.get(0);
  }

  @Test
  void recordIoProtobuf_answersOneRecordARow_withTheScoreUnderLabel() throws Exception {
    try (ModelServer server = ModelServer.start(paths, new ServeSettings(0, 6, null, false, 2))) {
      HttpResponse<byte[]> answer = post(server, ROWS, "Accept", "application/x-recordio-protobuf");
      assertEquals(200, answer.statusCode(), new String(answer.body(), StandardCharsets.UTF_8));
      assertEquals("application/x-recordio-protobuf", answer.headers().firstValue("Content-Type").orElse(""));
      List<Record> records = records(answer.body());
      float[] scores = new float[records.size()];
      for (int i = 0; i < scores.length; i++) {
        assertEquals(List.of("score"), List.copyOf(records.get(i).getLabelMap().keySet()));
        scores[i] = label(records.get(i), "score");
      }
      assertArrayEquals(expected(), scores);
    }
  }

  @Test
  void recordIoProtobuf_withSelectedOutput_holdsEachKeyAsAFloatTensor() throws Exception {
    try (ModelServer server = ModelServer.start(paths,
        new ServeSettings(0, 6, "predicted_label,probabilities", false, 2))) {
      List<Record> records = records(post(server, ROWS, "Accept", "application/x-recordio-protobuf").body());
      float[] expected = expected();
      assertEquals(3, records.size());
      for (int i = 0; i < 3; i++) {
        assertEquals(expected[i] > 0.5f ? 1f : 0f, label(records.get(i), "predicted_label"));
        assertEquals(List.of(1 - expected[i], expected[i]),
            records.get(i).getLabelOrThrow("probabilities").getFloat32Tensor().getValuesList());
      }
    }
  }

  @Test
  void defaultInvocationsAccept_answersRequestsWithoutAcceptOrWithAnyType() throws Exception {
    ServeSettings settings = ServeSettings.fromEnvironment(Map.of("SAGEMAKER_BIND_TO_PORT", "0",
        "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", "application/jsonlines"));
    assertEquals(ContentType.JSON_LINES, settings.defaultAccept());
    try (ModelServer server = ModelServer.start(paths, settings)) {
      float[] e = expected();
      String lines = "{\"score\":" + e[0] + "}\n{\"score\":" + e[1] + "}\n{\"score\":" + e[2] + "}\n";
      HttpResponse<byte[]> none = post(server, ROWS);
      assertEquals("application/jsonlines", none.headers().firstValue("Content-Type").orElse(""));
      assertEquals(lines, new String(none.body(), StandardCharsets.UTF_8));
      assertEquals(lines, new String(post(server, ROWS, "Accept", "*/*").body(), StandardCharsets.UTF_8));
      assertEquals(e[0] + "\n" + e[1] + "\n" + e[2] + "\n",
          new String(post(server, ROWS, "Accept", "text/csv").body(), StandardCharsets.UTF_8));
    }
    UserError wrong = assertThrows(UserError.class,
        () -> ServeSettings.fromEnvironment(Map.of("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", "text/html")));
    assertEquals("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT: 'text/html' is not a type this server answers in, perhaps"
        + " you should use one of text/csv, application/x-recordio-protobuf, application/json, application/jsonlines",
        wrong.getMessage());
  }

  @Test
  void executionParameters_followTheOfficialMaxContentLength() throws Exception {
    ServeSettings settings = ServeSettings.fromEnvironment(Map.of("SAGEMAKER_BIND_TO_PORT", "0",
        "MAX_CONTENT_LENGTH", String.valueOf(20 * 1024 * 1024)));
    try (ModelServer server = ModelServer.start(paths, settings)) {
      assertEquals("{\"MaxConcurrentTransforms\":" + Runtime.getRuntime().availableProcessors()
          + ",\"BatchStrategy\":\"MULTI_RECORD\",\"MaxPayloadInMB\":20}", get(server, "/execution-parameters").body());
    }
  }

  @Test
  void batchTransformSplitTypeLine_aPayloadOfExactlyTheLimit_isAnsweredLineForLine() throws Exception {
    // SplitType=Line with MULTI_RECORD fills each request with whole lines up to MaxPayloadInMB (6 MiB).
    long limit = 6L * 1024 * 1024;
    Random random = new Random(9);
    StringBuilder body = new StringBuilder((int) limit);
    List<float[]> rows = new ArrayList<>();
    while (true) {
      float a = random.nextInt(1000) / 100f;
      float b = random.nextInt(1000) / 100f;
      String line = a + "," + b + "\n";
      if (body.length() + line.length() > limit) {
        break;
      }
      body.append(line);
      rows.add(new float[] {a, b});
    }
    while (body.length() < limit) {
      body.append('\n');
    }
    float[] flat = new float[rows.size() * 2];
    for (int i = 0; i < rows.size(); i++) {
      flat[2 * i] = rows.get(i)[0];
      flat[2 * i + 1] = rows.get(i)[1];
    }
    float[] expected = predict(flat, rows.size());
    try (ModelServer server = ModelServer.start(paths, new ServeSettings(0, 6, null, true, 2))) {
      HttpResponse<byte[]> answer = post(server, body.toString());
      assertEquals(200, answer.statusCode());
      String[] lines = new String(answer.body(), StandardCharsets.UTF_8).split("\n");
      assertEquals(rows.size(), lines.length);
      float[] got = new float[lines.length];
      for (int i = 0; i < lines.length; i++) {
        got[i] = Float.parseFloat(lines[i]);
      }
      assertArrayEquals(expected, got);
      HttpResponse<byte[]> over = post(server, body + "\n");
      assertEquals(413, over.statusCode());
      assertEquals("the payload of 6291457 bytes is over the limit of 6 MB, perhaps you should send fewer rows per"
          + " request (batch transform: a smaller MaxPayloadInMB)\n", new String(over.body(), StandardCharsets.UTF_8));
    }
  }
}
