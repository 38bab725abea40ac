package io.github.xgbcontainer.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send headers and a few body bytes, then stall or trickle, over real sockets: they
 * must not take the threads {@code /ping} needs, and a trickle is cut off at the body deadline.
 */
class SlowClientTest {

  @TempDir Path dir;

  static final String HEADERS = "POST /invocations HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
      + "Content-Length: 1000\r\n\r\n";

  @Test
  void stalledAndTricklingClients_doNotDelayPing() throws Exception {
    SageMakerPaths paths = ServedModels.binary(dir.resolve("opt_ml"));
    List<Socket> clients = new ArrayList<>();
    ScheduledExecutorService trickle = Executors.newScheduledThreadPool(1);
    // threads = 1: the smallest pool serve makes (16 threads); far more slow clients than threads.
    try (ModelServer server = ModelServer.start(paths, new ServeSettings(0, 6, null, false, 1))) {
      try {
        pingWhileClientsStall(server, clients, trickle);
      } finally {
        // Before the server stops: it would wait its grace for these accepted requests.
        trickle.shutdownNow();
        for (Socket socket : clients) {
          socket.close();
        }
      }
    }
  }

  private static void pingWhileClientsStall(ModelServer server, List<Socket> clients,
      ScheduledExecutorService trickle) throws Exception {
    for (int i = 0; i < 40; i++) {
      Socket socket = new Socket("127.0.0.1", server.port());
      clients.add(socket);
      socket.getOutputStream().write((HEADERS + "1.5,").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      if (i % 4 == 0) {
        OutputStream out = socket.getOutputStream();
        trickle.scheduleAtFixedRate(() -> {
          try {
            out.write('1');
            out.flush();
          } catch (IOException e) {
            // the server may close it; the pings are what is measured
          }
        }, 100, 300, TimeUnit.MILLISECONDS);
      }
    }
    Thread.sleep(500);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      HttpResponse<String> ping = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + server.port() + "/ping"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ping.statusCode());
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis < 2000, "ping took " + millis + " ms");
      Thread.sleep(300);
    }
    // A whole request still goes through beside them.
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/invocations"))
        .header("Content-Type", "text/csv").timeout(Duration.ofSeconds(5))
        .POST(HttpRequest.BodyPublishers.ofString("1.5,9.5\n")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
  }

  @Test
  void tricklingClient_isAnswered408AtTheBodyDeadline() throws Exception {
    SageMakerPaths paths = ServedModels.binary(dir.resolve("opt_ml"));
    try (ModelServer server = ModelServer.start(paths, new ServeSettings(0, 6, null, false, 1, 2, 30));
        Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(HEADERS.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long start = System.nanoTime();
      InputStream in = socket.getInputStream();
      // One byte every 200 ms never lets the connection go idle, but never finishes the body.
      for (int i = 0; i < 50 && in.available() == 0; i++) {
        try {
          out.write('1');
          out.flush();
        } catch (IOException e) {
          break;
        }
        Thread.sleep(200);
      }
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      assertTrue(response.startsWith("HTTP/1.1 408 "), response);
      assertTrue(response.contains("Connection: close"), response);
      assertTrue(Pattern.compile("\r\n\r\nthe request body did not arrive within 2 s \\([0-9]+ of 1000 bytes"
          + " received\\), perhaps you should send it at once; the connection is closed\n$").matcher(response).find(),
          response);
      assertTrue(seconds >= 1 && seconds < 6, "answered after " + seconds + " s");
    }
  }
}
