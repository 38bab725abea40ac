package io.github.xgbcontainer.local.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * Profiles that assume a role need the SDK's {@code sts} module on the classpath: this resolves one
 * against a real HTTP server on loopback that answers STS's AssumeRole.
 */
class CredentialChainTest {

  private static final String ASSUME_ROLE_RESPONSE = """
      <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
        <AssumeRoleResult>
          <Credentials>
            <AccessKeyId>ASIAROLEKEY</AccessKeyId>
            <SecretAccessKey>role-secret</SecretAccessKey>
            <SessionToken>role-token</SessionToken>
            <Expiration>2099-01-01T00:00:00Z</Expiration>
          </Credentials>
          <AssumedRoleUser>
            <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>
            <Arn>arn:aws:sts::111122223333:assumed-role/trainer/session</Arn>
          </AssumedRoleUser>
        </AssumeRoleResult>
        <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
      </AssumeRoleResponse>
      """;

  @TempDir Path dir;

  @Test
  void assumeRoleProfile_resolvesThroughSts() throws Exception {
    List<String> requests = new CopyOnWriteArrayList<>();
    HttpServer sts = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    sts.createContext("/", exchange -> {
      requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] body = ASSUME_ROLE_RESPONSE.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/xml");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    sts.start();
    Path config = Files.writeString(dir.resolve("config"), """
        [profile base]
        aws_access_key_id = AKIABASEKEY
        aws_secret_access_key = base-secret

        [profile trainer]
        role_arn = arn:aws:iam::111122223333:role/trainer
        source_profile = base
        """);
    // STS only: the S3 clients of other tests in this JVM are not affected
    System.setProperty("aws.endpointUrlSts", "http://127.0.0.1:" + sts.getAddress().getPort());
    System.setProperty("aws.region", "us-east-1");
    try (ProfileCredentialsProvider provider = ProfileCredentialsProvider.builder()
        .profileFile(ProfileFile.builder().content(config).type(ProfileFile.Type.CONFIGURATION).build())
        .profileName("trainer").build()) {
      AwsCredentials credentials = provider.resolveCredentials();
      assertEquals("ASIAROLEKEY", credentials.accessKeyId());
      assertEquals("role-token", ((AwsSessionCredentials) credentials).sessionToken());
      assertEquals(1, requests.size(), requests::toString);
      assertTrue(requests.get(0).contains("Action=AssumeRole"), requests.get(0));
      assertTrue(requests.get(0).contains("RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Ftrainer"), requests.get(0));
    } finally {
      System.clearProperty("aws.endpointUrlSts");
      System.clearProperty("aws.region");
      sts.stop(0);
    }
  }
}
