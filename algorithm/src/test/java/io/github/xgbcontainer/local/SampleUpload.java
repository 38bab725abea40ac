package io.github.xgbcontainer.local;

import io.github.xgbcontainer.local.store.S3Store;
import io.github.xgbcontainer.local.store.StoreUri;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * The upload step of {@code make demo-s3} (sample-data/run-demo-s3.sh): real CreateBucket and PUT
 * requests to the S3-compatible server at {@code AWS_ENDPOINT_URL}, with the standard AWS
 * credentials. Each argument is {@code s3://bucket} (create the bucket) or
 * {@code FOLDER=s3://bucket/prefix/} (create the bucket, then put every file under FOLDER at
 * prefix + its relative path); the files go up through {@link S3Store#upload}, as a job's outputs do.
 */
public final class SampleUpload {

  private SampleUpload() {}

  public static void main(String[] args) throws IOException {
    URI endpoint = URI.create(System.getenv("AWS_ENDPOINT_URL"));
    try (S3Client client = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
            .endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .credentialsProvider(DefaultCredentialsProvider.builder().build()).build();
         S3Store store = S3Store.create(Optional.of(endpoint))) {
      for (String arg : args) {
        int eq = arg.indexOf('=');
        StoreUri target = StoreUri.parse("argument", eq < 0 ? arg : arg.substring(eq + 1));
        try {
          client.createBucket(r -> r.bucket(target.bucket()));
        } catch (BucketAlreadyOwnedByYouException already) {
          // a rerun against the same server
        }
        if (eq < 0) {
          continue;
        }
        Path folder = Path.of(arg.substring(0, eq)).toAbsolutePath();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
          files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
          StoreUri uri = target.child(folder.relativize(f).toString().replace('\\', '/'));
          store.upload(f, uri);
          System.out.println("put " + uri + " (" + Files.size(f) + " bytes)");
        }
      }
    }
  }
}
