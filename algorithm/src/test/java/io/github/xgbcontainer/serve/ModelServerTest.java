package io.github.xgbcontainer.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server on port 0 with real HTTP calls, against models trained here with xgboost4j. */
class ModelServerTest {

  static final Path ANCHOR = Path.of(System.getProperty("anchor.data", "../../shared/anchor-data"));
  static final int FEATURES = 4;
  static final int ROWS = 6;

  @TempDir static Path dir;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static float[] rows;
  static Booster binary;
  static ModelServer binaryServer;
  static Booster softprob;
  static ModelServer softprobServer;

  @BeforeAll
  static void start() throws Exception {
    Random random = new Random(7);
    int n = 300;
    float[] x = new float[n * FEATURES];
    float[] y = new float[n];
    float[] cls = new float[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < FEATURES; j++) {
        x[i * FEATURES + j] = random.nextFloat() * 10;
      }
      y[i] = x[i * FEATURES] + x[i * FEATURES + 1] > 10 ? 1 : 0;
      cls[i] = (int) (x[i * FEATURES + 2] / 3.4f);
    }
    rows = new float[ROWS * FEATURES];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = Math.round(random.nextFloat() * 1000) / 100f;
    }
    rows[3] = Float.NaN;
    binary = train(x, y, Map.of("objective", "binary:logistic", "max_depth", 3));
    binaryServer = serve("binary", binary, settings(null, 6));
    softprob = train(x, cls, Map.of("objective", "multi:softprob", "num_class", 3, "max_depth", 3));
    softprobServer = serve("softprob", softprob, settings(null, 6));
  }

  @AfterAll
  static void stop() {
    binaryServer.close();
    softprobServer.close();
    binary.dispose();
    softprob.dispose();
  }

  static Booster train(float[] x, float[] y, Map<String, Object> params) throws Exception {
    DMatrix d = new DMatrix(x, y.length, FEATURES, Float.NaN);
    try {
      d.setLabel(y);
      Map<String, Object> all = new HashMap<>(params);
      all.put("nthread", 1);
      return XGBoost.train(d, all, 8, Map.of(), null, null);
    } finally {
      d.dispose();
    }
  }

  static ServeSettings settings(String output, int mb) {
    return new ServeSettings(0, mb, output, false, 2);
  }

  static ModelServer serve(String name, Booster booster, ServeSettings settings) throws Exception {
    SageMakerPaths paths = new SageMakerPaths(dir.resolve(name));
    Files.createDirectories(paths.modelDir());
    Files.write(paths.modelFile(), booster.toByteArray("ubj"));
    return ModelServer.start(paths, settings);
  }

  static HttpResponse<String> post(ModelServer server, String contentType, String accept, byte[] body,
      String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/invocations"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (accept != null) {
      request.header("Accept", accept);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(ModelServer server, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static float[][] expected(Booster booster) throws Exception {
    DMatrix d = new DMatrix(rows, ROWS, FEATURES, Float.NaN);
    try {
      return booster.predict(d);
    } finally {
      d.dispose();
    }
  }

  static String cell(float v) {
    return Float.isNaN(v) ? "" : Float.toString(v);
  }

  static String csv() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < FEATURES; j++) {
        s.append(j > 0 ? "," : "").append(cell(rows[i * FEATURES + j]));
      }
      s.append('\n');
    }
    return s.toString();
  }

  static String libsvm(boolean label) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < ROWS; i++) {
      s.append(label ? "0" : "");
      for (int j = 0; j < FEATURES; j++) {
        float v = rows[i * FEATURES + j];
        if (!Float.isNaN(v)) {
          s.append(s.isEmpty() || s.charAt(s.length() - 1) == '\n' ? "" : " ").append(j).append(':').append(v);
        }
      }
      s.append('\n');
    }
    return s.toString();
  }

  static String jsonRow(int i) {
    StringBuilder s = new StringBuilder("[");
    for (int j = 0; j < FEATURES; j++) {
      float v = rows[i * FEATURES + j];
      s.append(j > 0 ? "," : "").append(Float.isNaN(v) ? "null" : Float.toString(v));
    }
    return s.append(']').toString();
  }

  static String jsonInstances() {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      items.add("{\"features\":" + jsonRow(i) + "}");
    }
    return "{\"instances\":[" + String.join(",", items) + "]}";
  }

  static String jsonList() {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      items.add(jsonRow(i));
    }
    return "[" + String.join(",", items) + "]";
  }

  static String jsonLines() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < ROWS; i++) {
      s.append(i % 2 == 0 ? "{\"features\":" + jsonRow(i) + "}" : jsonRow(i)).append('\n');
    }
    return s.toString();
  }

  /** RecordIO frames of aialgs Records with a dense float32 features['values'] tensor, as the SageMaker SDK writes them. */
  static byte[] recordIo() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < ROWS; i++) {
      ByteBuffer floats = ByteBuffer.allocate(4 * FEATURES).order(ByteOrder.LITTLE_ENDIAN);
      for (int j = 0; j < FEATURES; j++) {
        floats.putFloat(rows[i * FEATURES + j]);
      }
      byte[] tensor = field(1, floats.array());
      byte[] value = field(2, tensor);
      byte[] entry = concat(field(1, "values".getBytes()), field(2, value));
      byte[] record = field(1, entry);
      ByteBuffer frame = ByteBuffer.allocate(8 + ((record.length + 3) & ~3)).order(ByteOrder.LITTLE_ENDIAN);
      frame.putInt(0xCED7230A).putInt(record.length).put(record);
      out.writeBytes(frame.array());
    }
    return out.toByteArray();
  }

  /** The same rows as sparse Records: float32 values of the present features, their keys, and shape [FEATURES]. */
  static byte[] sparseRecordIo() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < ROWS; i++) {
      ByteArrayOutputStream values = new ByteArrayOutputStream();
      ByteArrayOutputStream keys = new ByteArrayOutputStream();
      for (int j = 0; j < FEATURES; j++) {
        float v = rows[i * FEATURES + j];
        if (!Float.isNaN(v)) {
          values.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
          keys.write(j);
        }
      }
      byte[] tensor = concat(concat(field(1, values.toByteArray()), field(2, keys.toByteArray())),
          field(3, new byte[] {FEATURES}));
      byte[] entry = concat(field(1, "values".getBytes()), field(2, field(2, tensor)));
      byte[] record = field(1, entry);
      ByteBuffer frame = ByteBuffer.allocate(8 + ((record.length + 3) & ~3)).order(ByteOrder.LITTLE_ENDIAN);
      frame.putInt(0xCED7230A).putInt(record.length).put(record);
      out.writeBytes(frame.array());
    }
    return out.toByteArray();
  }

  /** One RecordIO frame of a Record whose float32 features['values'] tensor has these values, uint64 keys and shape. */
  static byte[] tensorRecord(float[] values, long[] keys, long[] shape) {
    ByteArrayOutputStream floats = new ByteArrayOutputStream();
    for (float v : values) {
      floats.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
    }
    byte[] tensor = field(1, floats.toByteArray());
    if (keys != null) {
      tensor = concat(tensor, field(2, varints(keys)));
    }
    if (shape != null) {
      tensor = concat(tensor, field(3, varints(shape)));
    }
    byte[] entry = concat(field(1, "values".getBytes()), field(2, field(2, tensor)));
    byte[] record = field(1, entry);
    ByteBuffer frame = ByteBuffer.allocate(8 + ((record.length + 3) & ~3)).order(ByteOrder.LITTLE_ENDIAN);
    frame.putInt(0xCED7230A).putInt(record.length).put(record);
    return frame.array();
  }

  /** Packed protobuf varints; a negative long is a uint64 at or above 2^63. */
  static byte[] varints(long[] numbers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long n : numbers) {
      while ((n & ~0x7fL) != 0) {
        out.write((int) (n & 0x7f) | 0x80);
        n >>>= 7;
      }
      out.write((int) n);
    }
    return out.toByteArray();
  }

  static byte[] field(int number, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(number << 3 | 2);
    int n = payload.length;
    while (n >= 0x80) {
      out.write(n & 0x7f | 0x80);
      n >>>= 7;
    }
    out.write(n);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** The numbers of a response, record by record, whatever its type. */
  static float[][] numbers(String accept, String body) {
    List<float[]> out = new ArrayList<>();
    String text = accept.equals("application/json")
        ? body.substring("{\"predictions\":[".length(), body.length() - 2).replace("},{", "}\n{")
        : body;
    for (String line : text.split("\n")) {
      String bare = line.replaceAll("\"[a-z_]+\":", " ").replaceAll("[^0-9eE.,+-]", " ").replace(",", " ").strip();
      String[] parts = bare.split(" +");
      float[] v = new float[parts.length];
      for (int i = 0; i < parts.length; i++) {
        v[i] = Float.parseFloat(parts[i]);
      }
      out.add(v);
    }
    return out.toArray(new float[0][]);
  }

  @Test
  void ping_andExecutionParameters() throws Exception {
    assertEquals(200, get(binaryServer, "/ping").statusCode());
    HttpResponse<String> params = get(binaryServer, "/execution-parameters");
    assertEquals(200, params.statusCode());
    assertEquals("{\"MaxConcurrentTransforms\":2,\"BatchStrategy\":\"MULTI_RECORD\",\"MaxPayloadInMB\":6}",
        params.body());
  }

  @Test
  void everyContentTypeAndAccept_predictsAsBoosterPredict() throws Exception {
    Map<String, byte[]> requests = new java.util.LinkedHashMap<>();
    requests.put("text/csv", csv().getBytes());
    requests.put("text/csv; charset=utf-8", csv().replace("\n", "\r\n").getBytes());
    requests.put("text/libsvm", libsvm(true).getBytes());
    requests.put("text/x-libsvm", libsvm(false).getBytes());
    requests.put("application/json", jsonInstances().getBytes());
    requests.put("application/json; charset=utf-8", jsonList().getBytes());
    requests.put("application/jsonlines", jsonLines().getBytes());
    requests.put("application/x-recordio-protobuf", recordIo());
    float[][] expected = expected(binary);
    for (Map.Entry<String, byte[]> request : requests.entrySet()) {
      for (String accept : List.of("text/csv", "application/json", "application/jsonlines")) {
        HttpResponse<String> response = post(binaryServer, request.getKey(), accept, request.getValue());
        assertEquals(200, response.statusCode(), request.getKey() + " -> " + accept + ": " + response.body());
        assertEquals(accept, response.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(expected, numbers(accept, response.body()), request.getKey() + " -> " + accept);
      }
    }
  }

  @Test
  void sparseRecordIo_predictsAsBoosterPredict() throws Exception {
    HttpResponse<String> response = post(binaryServer, "application/x-recordio-protobuf", null, sparseRecordIo());
    assertEquals(200, response.statusCode(), response.body());
    assertArrayEquals(expected(binary), numbers("text/csv", response.body()));
  }

  @Test
  void recordIo_keysAndShapesOutsideInt32_are400s_andTheServerGoesOn() throws Exception {
    String fix = " (keys are 0-based column indices)\n";
    // 2^63 and 2^64 - 1 are negative as Java longs: once they reached XGBoost as negative indices
    HttpResponse<String> huge = post(binaryServer, "application/x-recordio-protobuf", null,
        tensorRecord(new float[] {1f}, new long[] {Long.MIN_VALUE}, null));
    assertEquals(400, huge.statusCode());
    assertEquals("record 1 (byte offset 0): feature key 9223372036854775808 is not in [0, 2147483645]" + fix,
        huge.body());
    assertEquals("record 1 (byte offset 0): feature key 18446744073709551615 is not in [0, 2147483645]" + fix,
        post(binaryServer, "application/x-recordio-protobuf", null,
            tensorRecord(new float[] {1f, 2f}, new long[] {0, -1L}, null)).body());
    assertEquals("record 2 (byte offset 36): feature key 18446744073709551615 is outside the shape [4]"
        + " (keys are 0-based column indices below the width)\n",
        post(binaryServer, "application/x-recordio-protobuf", null,
            concat(tensorRecord(new float[] {1f}, new long[] {0}, new long[] {4}),
                tensorRecord(new float[] {1f}, new long[] {-1L}, new long[] {4}))).body());
    assertEquals("record 1 (byte offset 0): feature key 2147483648 is not in [0, 2147483645]" + fix,
        post(binaryServer, "application/x-recordio-protobuf", null,
            tensorRecord(new float[] {1f}, new long[] {1L << 31}, null)).body());
    HttpResponse<String> wide = post(binaryServer, "application/x-recordio-protobuf", null,
        tensorRecord(new float[] {1f}, new long[] {0}, new long[] {1L << 31}));
    assertEquals(400, wide.statusCode());
    assertEquals("record 1 (byte offset 0): the features tensor's width 2147483648 is not in [1, 2147483646]\n",
        wide.body());
    assertEquals("record 1 (byte offset 0): the features tensor has 1 values but shape [18446744073709551615];"
        + " a dense tensor's values must fill its shape\n",
        post(binaryServer, "application/x-recordio-protobuf", null,
            tensorRecord(new float[] {1f}, null, new long[] {-1L})).body());
    assertEquals("record 2 (byte offset 40): the features tensor has 3 values but the first record's has 4,"
        + " perhaps you should give every record the same features\n",
        post(binaryServer, "application/x-recordio-protobuf", null,
            concat(tensorRecord(new float[] {1, 2, 3, 4}, null, null), tensorRecord(new float[] {1, 2, 3}, null, null)))
            .body());
    assertEquals("expected 4 features (indices 0 to 3), found index 4, perhaps you should number features as in"
        + " the training data (zero-based)\n",
        post(binaryServer, "application/x-recordio-protobuf", null,
            tensorRecord(new float[] {1f}, new long[] {4}, null)).body());
    assertArrayEquals(expected(binary), numbers("text/csv",
        post(binaryServer, "application/x-recordio-protobuf", null, sparseRecordIo()).body()));
  }

  @Test
  void recordIo_denseAndSparseRecordsInOneRequest_predictAsOneMatrix() throws Exception {
    byte[] dense = recordIo();
    byte[] sparse = sparseRecordIo();
    // rows 1-3 dense, then 4-6 sparse, as the frames of each body are
    int half = 0;
    for (int i = 0, pos = 0; i < 3; i++) {
      int length = ByteBuffer.wrap(dense, pos + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      pos += 8 + ((length + 3) & ~3);
      half = pos;
    }
    int sparseHalf = 0;
    for (int i = 0, pos = 0; i < 3; i++) {
      int length = ByteBuffer.wrap(sparse, pos + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      pos += 8 + ((length + 3) & ~3);
      sparseHalf = pos;
    }
    byte[] mixed = concat(java.util.Arrays.copyOf(dense, half),
        java.util.Arrays.copyOfRange(sparse, sparseHalf, sparse.length));
    HttpResponse<String> response = post(binaryServer, "application/x-recordio-protobuf", null, mixed);
    assertEquals(200, response.statusCode(), response.body());
    assertArrayEquals(expected(binary), numbers("text/csv", response.body()));
    byte[] sparseFirst = concat(java.util.Arrays.copyOf(sparse, sparseHalf),
        java.util.Arrays.copyOfRange(dense, half, dense.length));
    assertArrayEquals(expected(binary), numbers("text/csv",
        post(binaryServer, "application/x-recordio-protobuf", null, sparseFirst).body()));
  }

  @Test
  void libsvm_indicesOutsideInt32_are400s() throws Exception {
    assertEquals("row 1, column 2: feature index '-1' is not a non-negative integer\n",
        post(binaryServer, "text/libsvm", null, "0 -1:1\n".getBytes()).body());
    assertEquals("row 1, column 2: feature index '2147483647' is over the largest index 2147483646\n",
        post(binaryServer, "text/libsvm", null, "0 2147483647:1\n".getBytes()).body());
    assertEquals("row 1, column 2: feature index '18446744073709551615' is over the largest index 2147483646\n",
        post(binaryServer, "text/libsvm", null, "0 18446744073709551615:1\n".getBytes()).body());
    assertEquals("expected 4 features (indices 0 to 3), found index 2147483646, perhaps you should number"
        + " features as in the training data (zero-based)\n",
        post(binaryServer, "text/libsvm", null, "0 2147483646:1\n".getBytes()).body());
  }

  @Test
  void json_textAfterTheValue_isA400() throws Exception {
    String row = jsonRow(0);
    String fix = ", perhaps you should send one JSON document (several rows go in one list, or in application/jsonlines)\n";
    HttpResponse<String> word = post(binaryServer, "application/json", null, ("[" + row + "] xyz").getBytes());
    assertEquals(400, word.statusCode());
    int end = row.length() + 4;
    assertEquals("the body holds more than one JSON value: text follows the first at line 1, column " + end + fix,
        word.body());
    assertEquals("the body holds more than one JSON value: text follows the first at line 1, column "
        + (row.length() + 3) + fix, post(binaryServer, "application/json", null, ("[" + row + "][" + row + "]").getBytes()).body());
    assertEquals("the body holds more than one JSON value: text follows the first at line 2, column 1" + fix,
        post(binaryServer, "application/json", null, ("{\"instances\":[" + row + "]}\n{}").getBytes()).body());
    assertEquals("line 2 holds more than one JSON value: text follows the first at line 1, column "
        + (row.length() + 2) + ", perhaps you should send one JSON document per line\n",
        post(binaryServer, "application/jsonlines", null, (row + "\n" + row + " " + row + "\n").getBytes()).body());
    assertEquals(200, post(binaryServer, "application/json", null, ("[" + row + "]  \n").getBytes()).statusCode());
  }

  @Test
  void numbers_haveOneSyntaxInCsvLibsvmAndJson() throws Exception {
    assertEquals("row 1, column 2: '0x1p3' is not a number (leave the field empty for a missing value)\n",
        post(binaryServer, "text/csv", null, "1,0x1p3,2,3\n".getBytes()).body());
    assertEquals("row 1, column 3: '1f' is not a number (leave the field empty for a missing value)\n",
        post(binaryServer, "text/csv", null, "1,2,1f,3\n".getBytes()).body());
    assertEquals("row 1, column 2: the value '2d' is not a number\n",
        post(binaryServer, "text/libsvm", null, "0:1 1:2d\n".getBytes()).body());
    assertEquals("instance 1, feature 2: \"0x1p3\" is not a number (use null for a missing value)\n",
        post(binaryServer, "application/json", null, "[[1,\"0x1p3\",2,3]]".getBytes()).body());
    assertEquals("instance 1, feature 4: \"2d\" is not a number (use null for a missing value)\n",
        post(binaryServer, "application/json", null, "[[1,2,3,\"2d\"]]".getBytes()).body());
    // nan is missing in every format, whatever the letter case
    String expected = post(binaryServer, "text/csv", null, ",2.5,,-1e30\n".getBytes()).body();
    for (String csv : new String[] {"nan,2.5,NaN,-1e30\n", "NAN,2.5,,-1e30\n", ",2.5,-nan,-1e30\n"}) {
      HttpResponse<String> response = post(binaryServer, "text/csv", null, csv.getBytes());
      assertEquals(200, response.statusCode(), csv + ": " + response.body());
      assertEquals(expected, response.body(), csv);
    }
    assertEquals(expected, post(binaryServer, "text/libsvm", null, "0:nan 1:2.5 3:-1e30\n".getBytes()).body());
    assertEquals(expected, post(binaryServer, "text/libsvm", null, "1:2.5 2:NaN 3:-1e30\n".getBytes()).body());
    assertEquals(expected, post(binaryServer, "application/json", null,
        "[[\"nan\", 2.5, null, -1e30]]".getBytes()).body());
    assertEquals(expected, post(binaryServer, "application/json", null,
        "[[\"NaN\", \"2.5\", \" NAN \", \"-1e30\"]]".getBytes()).body());
    // inf is read in every spelling, and refused in every format (XGBoost's DMatrix takes none)
    String infinite = ": -inf is not a finite number (or is beyond the float range), perhaps you should send"
        + " a missing value instead (XGBoost takes no infinite feature values)\n";
    for (String csv : new String[] {"1,2.5,3,-inf\n", "1,2.5,3,-Infinity\n", "1,2.5,3,-INF\n", "1,2.5,3,-1e39\n"}) {
      HttpResponse<String> response = post(binaryServer, "text/csv", null, csv.getBytes());
      assertEquals(400, response.statusCode(), csv);
      assertEquals("row 1, feature 4" + infinite, response.body(), csv);
    }
    assertEquals("row 2, feature index 3" + infinite,
        post(binaryServer, "text/libsvm", null, "0:1\n1:2.5 3:-infinity\n".getBytes()).body());
    assertEquals("row 1, feature 4" + infinite,
        post(binaryServer, "application/json", null, "[[1, 2.5, 3, \"-Inf\"]]".getBytes()).body());
    assertEquals("row 1, feature 4" + infinite,
        post(binaryServer, "application/json", null, "[[1, 2.5, 3, -1e39]]".getBytes()).body());
  }

  @Test
  void defaultCsv_isOnePredictionALine() throws Exception {
    float[][] expected = expected(binary);
    StringBuilder lines = new StringBuilder();
    for (float[] p : expected) {
      lines.append(p[0]).append('\n');
    }
    HttpResponse<String> response = post(binaryServer, "text/csv", null, csv().getBytes());
    assertEquals(lines.toString(), response.body());
    assertEquals("text/csv", response.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void json_wrapsScores() throws Exception {
    float[][] expected = expected(binary);
    HttpResponse<String> response = post(binaryServer, "text/csv", "application/json",
        (csv().split("\n")[0] + "\n").getBytes());
    assertEquals("{\"predictions\":[{\"score\":" + expected[0][0] + "}]}", response.body());
  }

  @Test
  void softprob_csvRowsAreCommaJoined() throws Exception {
    float[][] expected = expected(softprob);
    HttpResponse<String> response = post(softprobServer, "text/csv", "text/csv", csv().getBytes());
    String first = expected[0][0] + "," + expected[0][1] + "," + expected[0][2];
    assertEquals(first, response.body().split("\n")[0]);
    assertArrayEquals(expected, numbers("text/csv", response.body()));
    HttpResponse<String> json = post(softprobServer, "text/csv", "application/json", csv().getBytes());
    assertArrayEquals(expected, numbers("application/json", json.body()));
  }

  @Test
  void contributions_onRequest_matchPredictContrib() throws Exception {
    DMatrix d = new DMatrix(rows, ROWS, FEATURES, Float.NaN);
    float[][] expected;
    try {
      expected = binary.predictContrib(d, 0);
    } finally {
      d.dispose();
    }
    HttpResponse<String> byAttribute = post(binaryServer, "text/csv", "text/csv", csv().getBytes(),
        "X-Amzn-SageMaker-Custom-Attributes", "output=contributions");
    assertArrayEquals(expected, numbers("text/csv", byAttribute.body()));
    assertEquals(FEATURES + 1, byAttribute.body().split("\n")[0].split(",").length);
    HttpResponse<String> byAccept = post(binaryServer, "text/csv", "application/json; output=contributions",
        csv().getBytes());
    assertEquals(200, byAccept.statusCode());
    assertEquals("application/json", byAccept.headers().firstValue("Content-Type").orElse(""));
    assertArrayEquals(expected, numbers("application/json", byAccept.body()));
  }

  @Test
  void inferenceOutput_selectsKeysAsTheOfficialImage() throws Exception {
    float p = expected(binary)[0][0];
    String row = csv().split("\n")[0] + "\n";
    try (ModelServer server = serve("selected", binary,
        settings("predicted_label, probability,PROBABILITIES,labels,predicted_score", 6))) {
      String label = p > 0.5f ? "1" : "0";
      assertEquals(label + "," + p + ",\"[" + (1f - p) + ", " + p + "]\",\"[0, 1]\",nan\n",
          post(server, "text/csv", null, row.getBytes()).body());
      assertEquals("{\"predictions\":[{\"predicted_label\":" + label + ",\"probability\":" + p
          + ",\"probabilities\":[" + (1f - p) + "," + p + "],\"labels\":[0,1],\"predicted_score\":null}]}",
          post(server, "text/csv", "application/json", row.getBytes()).body());
    }
    UserError unknown = assertThrows(UserError.class, () -> serve("unknown", binary, settings("score", 6)));
    assertEquals("SAGEMAKER_INFERENCE_OUTPUT: 'score' is not a selectable output, perhaps you should use"
        + " some of predicted_label, labels, probability, probabilities, raw_score, raw_scores, predicted_score",
        unknown.getMessage());
  }

  @Test
  void softprob_predictedLabelIsTheArgmax() throws Exception {
    float[] p = expected(softprob)[1];
    int argmax = p[0] >= p[1] && p[0] >= p[2] ? 0 : p[1] >= p[2] ? 1 : 2;
    try (ModelServer server = serve("softprob-selected", softprob, settings("predicted_label,probability", 6))) {
      assertEquals(argmax + "," + p[argmax],
          post(server, "text/csv", null, csv().getBytes()).body().split("\n")[1]);
    }
  }

  @Test
  void errors_haveTheirStatusAndMessage_andTheServerGoesOn() throws Exception {
    HttpResponse<String> empty = post(binaryServer, "text/csv", null, new byte[0]);
    assertEquals(204, empty.statusCode());
    assertEquals(204, post(binaryServer, "text/csv", null, "\n\n".getBytes()).statusCode());

    HttpResponse<String> type = post(binaryServer, "application/x-parquet", null, "x".getBytes());
    assertEquals(415, type.statusCode());
    assertEquals("content type 'application/x-parquet' is not supported, perhaps you should send one of"
        + " text/csv, csv, text/libsvm, libsvm, text/x-libsvm, application/x-libsvm,"
        + " application/x-recordio-protobuf, recordio-protobuf, application/json, application/jsonlines,"
        + " application/jsonl, application/x-jsonlines\n", type.body());

    HttpResponse<String> accept = post(binaryServer, "text/csv", "text/html", csv().getBytes());
    assertEquals(406, accept.statusCode());
    assertEquals("accept type 'text/html' is not supported, perhaps you should ask for one of text/csv,"
        + " application/x-recordio-protobuf, application/json, application/jsonlines\n", accept.body());

    HttpResponse<String> count = post(binaryServer, "text/csv", null, "1,2,3\n".getBytes());
    assertEquals(400, count.statusCode());
    assertEquals("expected 4 features, found 3, perhaps you should send the columns the model was trained on\n",
        count.body());
    assertEquals("expected 4 features, found 5, perhaps you should drop the label column (inference rows"
        + " hold features only)\n", post(binaryServer, "text/csv", null, "0,1,2,3,4\n".getBytes()).body());
    assertEquals("expected 4 features (indices 0 to 3), found index 4, perhaps you should number features"
        + " as in the training data (zero-based)\n",
        post(binaryServer, "text/libsvm", null, "1:1 4:2\n".getBytes()).body());

    HttpResponse<String> row = post(binaryServer, "text/csv", null, "1,2,3,4\n1,2,x,4\n".getBytes());
    assertEquals(400, row.statusCode());
    assertEquals("row 2, column 3: 'x' is not a number (leave the field empty for a missing value)\n", row.body());
    assertEquals("row 2: expected 4 columns, found 3 (every row needs the same columns as the first row)\n",
        post(binaryServer, "text/csv", null, "1,2,3,4\n1,2,3\n".getBytes()).body());
    assertEquals("instance 2, feature 1: \"a\" is not a number (use null for a missing value)\n",
        post(binaryServer, "application/json", null, "[[1,2,3,4],[\"a\",2,3,4]]".getBytes()).body());
    assertEquals("the body is not valid JSON at line 1, column 6: Unexpected end-of-input: expected close"
        + " marker for Array\n",
        post(binaryServer, "application/json", null, "[[1,2".getBytes()).body());
    assertEquals("record 1 (byte offset 0): not a RecordIO frame: magic is 0x2C322C31, expected 0xCED7230A,"
        + " perhaps you should send the body as SageMaker's RecordIO-protobuf"
        + " (sagemaker.amazon.common.write_numpy_to_dense_tensor)\n",
        post(binaryServer, "application/x-recordio-protobuf", null, "1,2,3,4\n".getBytes()).body());

    try (ModelServer small = serve("small", binary, settings(null, 1))) {
      HttpResponse<String> large = post(small, "text/csv", null, new byte[1024 * 1024 + 1]);
      assertEquals(413, large.statusCode());
      assertEquals("the payload of 1048577 bytes is over the limit of 1 MB, perhaps you should send fewer"
          + " rows per request (batch transform: a smaller MaxPayloadInMB)\n", large.body());
    }
    assertEquals(404, get(binaryServer, "/predict").statusCode());
    assertEquals(405, get(binaryServer, "/invocations").statusCode());
    assertArrayEquals(expected(binary), numbers("text/csv", post(binaryServer, "text/csv", null, csv().getBytes()).body()));
  }

  @Test
  void parallelRequests_allAnswerCorrectly() throws Exception {
    float[][] expected = expected(binary);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<float[][]>> answers = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        answers.add(pool.submit(() -> numbers("text/csv", post(binaryServer, "text/csv", null, csv().getBytes()).body())));
      }
      for (Future<float[][]> answer : answers) {
        assertArrayEquals(expected, answer.get());
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void anchorModels_ubjsonLoads_pickleAndLegacyBinaryAreRefused() throws Exception {
    Path ubj = ANCHOR.resolve("abalone/models/libsvm_pickled");
    try (ModelServer server = ModelServer.start(withModel(ubj, "ubj"), settings(null, 6))) {
      assertEquals(200, get(server, "/ping").statusCode());
      HttpResponse<String> answer = post(server, "text/libsvm", null, "0:1 1:0.5 2:0.4 3:0.1 4:0.5 5:0.2 6:0.1 7:0.2\n".getBytes());
      assertEquals(200, answer.statusCode(), answer.body());
    }
    UserError pickle = assertThrows(UserError.class,
        () -> ModelServer.start(withModel(ANCHOR.resolve("models/pickled_model"), "pickle"), settings(null, 6)));
    assertEquals("model file 'xgboost-model' is a Python pickle, not an XGBoost model file, perhaps you should"
        + " load it in Python (pickle.load) and re-save it with booster.save_model('xgboost-model.ubj'),"
        + " then rename that file to 'xgboost-model'", pickle.getMessage());
    UserError legacy = assertThrows(UserError.class,
        () -> ModelServer.start(withModel(ANCHOR.resolve("models/saved_booster"), "legacy"), settings(null, 6)));
    assertEquals("model file 'xgboost-model' is in XGBoost's legacy binary format, which XGBoost 3 no longer"
        + " reads, perhaps you should load it with xgboost 1.x or 2.0 (booster.load_model) and re-save it"
        + " with booster.save_model('xgboost-model.json'), then rename that file to 'xgboost-model'",
        legacy.getMessage());
    SageMakerPaths none = new SageMakerPaths(dir.resolve("none"));
    UserError missing = assertThrows(UserError.class, () -> ModelServer.start(none, settings(null, 6)));
    assertEquals("no model at " + none.modelFile() + ", perhaps you should point the model's ModelDataUrl at"
        + " the model.tar.gz a training job of this image wrote", missing.getMessage());
  }

  @Test
  void jsonModel_loads() throws Exception {
    SageMakerPaths paths = new SageMakerPaths(dir.resolve("json"));
    Files.createDirectories(paths.modelDir());
    Files.write(paths.modelFile(), binary.toByteArray("json"));
    try (ModelServer server = ModelServer.start(paths, settings(null, 6))) {
      assertArrayEquals(expected(binary), numbers("text/csv", post(server, "text/csv", null, csv().getBytes()).body()));
    }
  }

  static SageMakerPaths withModel(Path modelDir, String name) throws Exception {
    SageMakerPaths paths = new SageMakerPaths(dir.resolve(name));
    Files.createDirectories(paths.modelDir());
    Files.copy(modelDir.resolve("xgboost-model"), paths.modelFile());
    return paths;
  }
}
