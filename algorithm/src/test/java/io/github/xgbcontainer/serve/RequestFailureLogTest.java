package io.github.xgbcontainer.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-line log of each request answered 4xx or 5xx, and its rate limit. */
class RequestFailureLogTest {

  @TempDir Path dir;

  static final Logger LOG = Logger.getLogger(RequestFailureLog.class.getName());
  final List<LogRecord> records = new CopyOnWriteArrayList<>();
  final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void listen() {
    LOG.addHandler(capture);
  }

  @AfterEach
  void stopListening() {
    LOG.removeHandler(capture);
  }

  @Test
  void failedRequests_areLoggedWithMethodPathStatusBytesLatencyAndReason() throws Exception {
    SageMakerPaths paths = ServedModels.binary(dir.resolve("opt_ml"));
    HttpClient http = HttpClient.newHttpClient();
    try (ModelServer server = ModelServer.start(paths, new ServeSettings(0, 6, null, false, 1))) {
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "/invocations"))
          .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString("1,2\n")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode(), ok.body());
      HttpResponse<String> badRow = http.send(HttpRequest.newBuilder(URI.create(base + "/invocations"))
          .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString("1,2\n3,x\n")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(400, badRow.statusCode());
      HttpResponse<String> noSuchPath = http.send(HttpRequest.newBuilder(URI.create(base + "/nope")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, noSuchPath.statusCode());
      // The line is written when the response completes, which the client may see first.
      for (int i = 0; i < 50 && records.size() < 2; i++) {
        Thread.sleep(100);
      }
      assertEquals(2, records.size(), records.stream().map(LogRecord::getMessage).toList().toString());
      assertEquals(Level.INFO, records.get(0).getLevel());
      assertLine("POST /invocations 400 8 bytes ", ": " + badRow.body().strip(), records.get(0).getMessage());
      assertEquals("POST /invocations 400 8 bytes ", records.get(0).getMessage().substring(0, 30));
      assertLine("GET /nope 404 0 bytes ", ": no such path /nope, perhaps you should use /ping,"
          + " /execution-parameters or /invocations", records.get(1).getMessage());
    }
  }

  static void assertLine(String prefix, String suffix, String line) {
    assertTrue(Pattern.compile(Pattern.quote(prefix) + "[0-9]+\\.[0-9] ms" + Pattern.quote(suffix)).matcher(line)
        .matches(), line);
  }

  @Test
  void line_hasTheDocumentedFormat() {
    assertEquals("POST /invocations 413 7340033 bytes 12.3 ms: the payload is over the limit of 6 MB",
        RequestFailureLog.line("POST", "/invocations", 413, 7_340_033, 12_345_678,
            "the payload is over the limit of 6 MB\n"));
  }

  @Test
  void log_writesAtMostTenLinesASecond_thenSaysHowManyItDropped() {
    AtomicLong now = new AtomicLong(5_000_000_000L);
    RequestFailureLog log = new RequestFailureLog(null, now::get);
    for (int i = 0; i < 25; i++) {
      log.log("line " + i, Level.INFO);
      now.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
    }
    assertEquals(10, records.size());
    assertEquals("line 9", records.get(9).getMessage());
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    log.log("line after", Level.INFO);
    assertEquals(12, records.size());
    assertEquals("15 more failed requests were not logged (at most 10 lines a second)", records.get(10).getMessage());
    assertEquals(Level.WARNING, records.get(10).getLevel());
    assertEquals("line after", records.get(11).getMessage());
  }
}
