package io.github.xgbcontainer.local.store;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server on loopback: s3proxy with its filesystem backend, in a child JVM on
 * the test class path. Its slf4j goes to no provider (slf4j-jdk14 is left off its class path: with
 * it, s3proxy's own logging setup recurses).
 */
public final class S3Server implements AutoCloseable {

  static final String IDENTITY = "local-identity";
  static final String CREDENTIAL = "local-credential-secret";

  private final Process process;
  private final int port;
  private final S3Client client;

  private final Path data;

  private S3Server(Process process, int port, Path data) {
    this.data = data;
    this.process = process;
    this.port = port;
    this.client = S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .endpointOverride(endpoint())
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
        .build();
  }

  /** Starts a server storing its buckets under {@code dir}; waits until it listens. */
  public static S3Server start(Path dir) throws IOException, InterruptedException {
    Path data = Files.createDirectories(dir.resolve("s3-data"));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + IDENTITY,
        "s3proxy.credential=" + CREDENTIAL,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + data,
        "jclouds.identity=unused",
        "jclouds.credential=unused", ""));
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        // s3proxy needs its own jars only: leave off slf4j-jdk14 and this project's classes and jar
        .filter(p -> !p.contains("slf4j-jdk14") && !p.contains(File.separator + "target" + File.separator)
            && !p.endsWith(File.separator + "target"))
        .collect(Collectors.joining(File.pathSeparator));
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath, "org.gaul.s3proxy.Main", "--properties", props.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("s3proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new S3Server(p, port, data);
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IOException("s3proxy did not listen on 127.0.0.1:" + port + " within 60 s");
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public S3Client client() {
    return client;
  }

  /** The environment a child JVM needs to reach this server with the standard AWS configuration. */
  public java.util.Map<String, String> environment() {
    return java.util.Map.of("AWS_ACCESS_KEY_ID", IDENTITY, "AWS_SECRET_ACCESS_KEY", CREDENTIAL,
        "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", endpoint().toString(), "AWS_EC2_METADATA_DISABLED", "true");
  }

  public void createBucket(String bucket) {
    client.createBucket(r -> r.bucket(bucket));
  }

  public void put(String bucket, String key, byte[] bytes) {
    client.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  /** Writes an object as a file of the filesystem backend, without a request. */
  public void putFile(String bucket, String key, byte[] bytes) throws IOException {
    Path file = data.resolve(bucket).resolve(key);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  public byte[] get(String bucket, String key) {
    return client.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
  }

  public List<String> keys(String bucket, String prefix) {
    return client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
        .map(o -> o.key()).toList();
  }

  /** A store for the code under test, with the same credentials. */
  public S3Store store(long partSize) {
    return new S3Store(S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .endpointOverride(endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
        .build(), partSize);
  }

  @Override
  public void close() throws InterruptedException {
    client.close();
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
