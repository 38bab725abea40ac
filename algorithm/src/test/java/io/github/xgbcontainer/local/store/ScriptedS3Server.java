package io.github.xgbcontainer.local.store;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3-compatible server on loopback that speaks just enough S3 for reading a channel
 * (ListObjectsV2 and GetObject, path-style) and fails on purpose: each object can be served whole,
 * cut short, broken off or refused, as a real store or network sometimes does. s3proxy cannot be made
 * to do that, and it maps {@code a/./b} and {@code a/b} to one file, so keys that only differ
 * there cannot exist in it.
 *
 * <p>Each connection gets one response and is closed ({@code Connection: close}): the point is
 * what happens to a body, not connection reuse. Requests are not authenticated.
 */
public final class ScriptedS3Server implements AutoCloseable {

  /** How an object's GET is answered. */
  public enum Fault {
    /** The whole object. */
    NONE,
    /** The first half (whole lines), with a Content-Length that says so: a clean, complete-looking response. */
    SHORT_BODY,
    /** The full Content-Length, the first half (whole lines), then the connection is closed normally. */
    CLOSE_EARLY,
    /** The full Content-Length, the first half (whole lines), then the connection is reset. */
    RESET,
    /** {@code 500 InternalError} on every attempt. */
    SERVER_ERROR,
    /** The full length with one byte changed; the ETag is the original's MD5. */
    CORRUPT
  }

  private record Stored(byte[] bytes, Fault fault, String etag) {}

  private final ServerSocket socket;
  private final Map<String, TreeMap<String, Stored>> buckets = new ConcurrentHashMap<>();
  private final Map<String, Integer> gets = new ConcurrentHashMap<>();
  private final Thread acceptor;

  private ScriptedS3Server(ServerSocket socket) {
    this.socket = socket;
    this.acceptor = new Thread(this::accept, "scripted-s3");
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  public static ScriptedS3Server start() throws IOException {
    return new ScriptedS3Server(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  /**
   * The environment a child JVM needs to reach this server with the standard AWS configuration;
   * {@code AWS_MAX_ATTEMPTS} is the SDK's default, set so that a message naming the attempts does
   * not depend on the caller's environment.
   */
  public Map<String, String> environment() {
    return Map.of("AWS_ACCESS_KEY_ID", "scripted", "AWS_SECRET_ACCESS_KEY", "scripted-secret", "AWS_REGION", "us-east-1",
        "AWS_ENDPOINT_URL", endpoint().toString(), "AWS_EC2_METADATA_DISABLED", "true", "AWS_MAX_ATTEMPTS", "4");
  }

  /** A store for the code under test, configured as {@link S3Store#create} configures one for an endpoint. */
  public S3Store store() {
    return new S3Store(S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .endpointOverride(endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("scripted", "scripted-secret")))
        .build(), S3Store.DEFAULT_PART_SIZE);
  }

  public void put(String bucket, String key, byte[] bytes) {
    put(bucket, key, bytes, Fault.NONE);
  }

  /**
   * Stores an object (listed with its full size and MD5 ETag) that is served as {@code fault} says,
   * and counts its GETs from 0.
   */
  public void put(String bucket, String key, byte[] bytes, Fault fault) {
    buckets.computeIfAbsent(bucket, b -> new TreeMap<>()).put(key, new Stored(bytes.clone(), fault, md5(bytes)));
    gets.remove(bucket + "/" + key);
  }

  /** How many GETs the object received, retries included. */
  public int gets(String bucket, String key) {
    return gets.getOrDefault(bucket + "/" + key, 0);
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        Thread t = new Thread(() -> serve(s), "scripted-s3-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      String requestLine = line(in);
      Map<String, String> headers = new HashMap<>();
      for (String h; !(h = line(in)).isEmpty(); ) {
        int colon = h.indexOf(':');
        headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
      in.skipNBytes(Long.parseLong(headers.getOrDefault("content-length", "0")));
      String[] parts = requestLine.split(" ");
      URI uri = URI.create(parts[1]);
      String path = URLDecoder.decode(uri.getRawPath().replace("+", "%2B"), StandardCharsets.UTF_8).substring(1);
      int slash = path.indexOf('/');
      String bucket = slash < 0 ? path : path.substring(0, slash);
      String key = slash < 0 ? "" : path.substring(slash + 1);
      Map<String, String> query = query(uri.getRawQuery());
      OutputStream out = s.getOutputStream();
      TreeMap<String, Stored> objects = buckets.get(bucket);
      if (!parts[0].equals("GET")) {
        error(out, 501, "NotImplemented", parts[0] + " is not served here");
      } else if (objects == null) {
        error(out, 404, "NoSuchBucket", "The specified bucket does not exist");
      } else if (key.isEmpty()) {
        list(out, bucket, query.getOrDefault("prefix", ""), objects);
      } else {
        get(s, out, bucket, key, objects.get(key));
      }
    } catch (IOException | RuntimeException e) {
      // the client went away, or the fault ended the connection
    }
  }

  private void list(OutputStream out, String bucket, String prefix, TreeMap<String, Stored> objects) throws IOException {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + escape(bucket) + "</Name><Prefix>"
        + escape(prefix) + "</Prefix>");
    int count = 0;
    StringBuilder contents = new StringBuilder();
    for (Map.Entry<String, Stored> e : objects.tailMap(prefix).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      count++;
      contents.append("<Contents><Key>").append(escape(e.getKey())).append("</Key><LastModified>2026-11-30T00:00:00.000Z"
          + "</LastModified><ETag>&quot;").append(e.getValue().etag()).append("&quot;</ETag><Size>")
          .append(e.getValue().bytes().length).append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
    }
    xml.append("<KeyCount>").append(count).append("</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>")
        .append(contents).append("</ListBucketResult>");
    respond(out, 200, "application/xml", Map.of(), xml.toString().getBytes(StandardCharsets.UTF_8));
  }

  private void get(Socket s, OutputStream out, String bucket, String key, Stored o) throws IOException {
    gets.merge(bucket + "/" + key, 1, Integer::sum);
    if (o == null) {
      error(out, 404, "NoSuchKey", "The specified key does not exist.");
      return;
    }
    byte[] bytes = o.bytes();
    int half = cut(bytes);
    Map<String, String> etag = Map.of("ETag", "\"" + o.etag() + "\"");
    switch (o.fault()) {
      case NONE -> respond(out, 200, "application/octet-stream", etag, bytes);
      case SHORT_BODY -> respond(out, 200, "application/octet-stream", etag, java.util.Arrays.copyOf(bytes, half));
      case CORRUPT -> {
        byte[] changed = bytes.clone();
        changed[half] ^= 0x01;
        respond(out, 200, "application/octet-stream", etag, changed);
      }
      case SERVER_ERROR -> error(out, 500, "InternalError", "We encountered an internal error. Please try again.");
      case CLOSE_EARLY, RESET -> {
        out.write(head(200, "application/octet-stream", etag, bytes.length));
        out.write(bytes, 0, half);
        out.flush();
        if (o.fault() == Fault.RESET) {
          s.setSoLinger(true, 0); // close() now sends RST instead of FIN
        }
      }
    }
  }

  /**
   * Where a cut-off body ends: after the last whole line of the first half, so what arrives is
   * still valid CSV (the dangerous case: nothing but the byte count says it is incomplete).
   */
  public static int cut(byte[] bytes) {
    for (int i = bytes.length / 2; i > 0; i--) {
      if (bytes[i - 1] == '\n') {
        return i;
      }
    }
    return bytes.length / 2;
  }

  private static void error(OutputStream out, int status, String code, String message) throws IOException {
    respond(out, status, "application/xml", Map.of(), ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code
        + "</Code><Message>" + escape(message) + "</Message><RequestId>scripted</RequestId></Error>")
        .getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(OutputStream out, int status, String type, Map<String, String> extra, byte[] body)
      throws IOException {
    out.write(head(status, type, extra, body.length));
    out.write(body);
    out.flush();
  }

  private static byte[] head(int status, String type, Map<String, String> extra, long length) {
    StringBuilder h = new StringBuilder("HTTP/1.1 " + status + " " + (status == 200 ? "OK" : "Error") + "\r\n"
        + "Content-Type: " + type + "\r\nContent-Length: " + length + "\r\nConnection: close\r\n"
        + "x-amz-request-id: scripted\r\n");
    extra.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
    return h.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        out.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static String md5(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
