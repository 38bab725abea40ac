package io.github.xgbcontainer.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.LogCapture;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-line log of each request answered 4xx or 5xx, and its rate limit. */
class RequestFailureLogTest {

  @TempDir Path dir;

  LogCapture logged;

  @BeforeEach
  void listen() {
    logged = new LogCapture(RequestFailureLog.class);
  }

  @AfterEach
  void stopListening() {
    logged.close();
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
      for (int i = 0; i < 50 && logged.messages().size() < 2; i++) {
        Thread.sleep(100);
      }
      List<String> messages = logged.messages();
      assertEquals(2, messages.size(), messages.toString());
      assertEquals("INFO " + messages.get(0), logged.lines().get(0));
      assertLine("POST /invocations 400 8 bytes ", ": " + badRow.body().strip(), messages.get(0));
      assertEquals("POST /invocations 400 8 bytes ", messages.get(0).substring(0, 30));
      assertLine("GET /nope 404 0 bytes ", ": no such path /nope, perhaps you should use /ping,"
          + " /execution-parameters or /invocations", messages.get(1));
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
    assertEquals(10, logged.messages().size());
    assertEquals("line 9", logged.messages().get(9));
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    log.log("line after", Level.INFO);
    List<String> lines = logged.lines();
    assertEquals(12, lines.size());
    assertEquals("WARNING 15 more failed requests were not logged (at most 10 lines a second)", lines.get(10));
    assertEquals("line after", logged.messages().get(11));
  }
}
