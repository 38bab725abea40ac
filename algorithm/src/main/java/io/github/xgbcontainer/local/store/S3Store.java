package io.github.xgbcontainer.local.store;

import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * S3 through the AWS SDK v2 with the JDK's HTTP client, the default credential chain and the
 * default region chain. The chain covers profiles that assume a role ({@code role_arn} with
 * {@code source_profile} or {@code credential_source}), web identity tokens
 * ({@code AWS_WEB_IDENTITY_TOKEN_FILE}) and IAM Identity Center ({@code sso_session}), because the
 * SDK's {@code sts}, {@code sso} and {@code ssooidc} modules are on the classpath: without them the
 * SDK skips those providers. With an endpoint ({@code AWS_ENDPOINT_URL} or {@code --endpoint-url}) it
 * talks to an S3-compatible store with path-style addressing, and computes checksums only where
 * S3 requires them, which such stores handle best.
 *
 * <p>Files above {@link #partSize} go up as a multipart upload, one part after another.
 */
public final class S3Store implements ObjectStore, AutoCloseable {

  /** Part size of multipart uploads: the AWS CLI's default, above S3's 5 MiB minimum. */
  public static final long DEFAULT_PART_SIZE = 8L << 20;

  private final S3Client client;
  private final long partSize;

  public S3Store(S3Client client, long partSize) {
    this.client = client;
    this.partSize = partSize;
  }

  /** A client from the standard AWS configuration, with {@code endpoint} when present. */
  public static S3Store create(Optional<URI> endpoint) {
    S3ClientBuilder builder = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
    if (endpoint.isPresent()) {
      builder.endpointOverride(endpoint.get())
          .forcePathStyle(true)
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
      Region region;
      try {
        region = DefaultAwsRegionProviderChain.builder().build().getRegion();
      } catch (SdkException e) {
        region = Region.US_EAST_1; // S3-compatible stores rarely care; AWS itself needs a real one
      }
      builder.region(region);
    }
    try {
      return new S3Store(builder.build(), DEFAULT_PART_SIZE);
    } catch (SdkException e) {
      throw new UserError("cannot set up the S3 client: " + e.getMessage()
          + "; perhaps you should set AWS_REGION (or a profile's region)", e);
    }
  }

  @Override
  public List<StoredObject> list(StoreUri prefix) {
    List<StoredObject> out = new ArrayList<>();
    try {
      for (S3Object o : client.listObjectsV2Paginator(r -> r.bucket(prefix.bucket()).prefix(prefix.key())).contents()) {
        if (!o.key().endsWith("/")) { // folder markers made by consoles
          out.add(new StoredObject(new StoreUri("s3", prefix.bucket(), o.key()), o.size()));
        }
      }
    } catch (NoSuchBucketException e) {
      throw noBucket(prefix, e);
    } catch (SdkException e) {
      throw failed("list", prefix, e);
    }
    out.sort(Comparator.comparing(o -> o.uri().key()));
    return out;
  }

  @Override
  public InputStream open(StoreUri object) {
    try {
      return client.getObject(r -> r.bucket(object.bucket()).key(object.key()));
    } catch (NoSuchBucketException e) {
      throw noBucket(object, e);
    } catch (NoSuchKeyException e) {
      throw new UserError(object + " does not exist: perhaps you should check the key", e);
    } catch (SdkException e) {
      throw failed("read", object, e);
    }
  }

  /**
   * Asks for the object's stored checksum ({@code x-amz-checksum-mode}), which the SDK then checks
   * itself where the store returns one; otherwise the ETag is the object's MD5 when it is 32 hex
   * digits and the object is not encrypted with KMS or a customer key (S3's rule for ETags:
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html), and that is checked here.
   * A body whose Content-Length differs from the listed size fails before a byte is passed on.
   */
  @Override
  public InputStream read(StoredObject object) {
    StoreUri uri = object.uri();
    ResponseInputStream<GetObjectResponse> in;
    try {
      in = client.getObject(r -> r.bucket(uri.bucket()).key(uri.key()).checksumMode(ChecksumMode.ENABLED));
    } catch (NoSuchBucketException e) {
      throw noBucket(uri, e);
    } catch (NoSuchKeyException e) {
      throw new UserError(uri + " does not exist any more: it was listed, then removed; perhaps you should leave the "
          + "data as it is while a job starts", e);
    } catch (SdkException e) {
      throw failed("read", uri, e);
    }
    GetObjectResponse response = in.response();
    if (response.contentLength() != null && response.contentLength() != object.size()) {
      in.abort();
      throw new PlatformError(uri + " is " + response.contentLength() + " bytes long now, not the " + object.size()
          + " bytes it was listed with: the store cut it short, or it changed after it was listed; perhaps you should "
          + "check the store and run the job again");
    }
    return new CheckedObjectStream(in, object, plainMd5(response));
  }

  private static Optional<String> plainMd5(GetObjectResponse r) {
    boolean checkedBySdk = r.checksumCRC32() != null || r.checksumCRC32C() != null || r.checksumCRC64NVME() != null
        || r.checksumSHA1() != null || r.checksumSHA256() != null;
    boolean kms = r.serverSideEncryption() != null && r.serverSideEncryption() != ServerSideEncryption.AES256;
    String etag = r.eTag() == null ? "" : r.eTag().replace("\"", "");
    if (checkedBySdk || kms || r.sseCustomerAlgorithm() != null || !etag.matches("[0-9a-fA-F]{32}")) {
      return Optional.empty();
    }
    return Optional.of(etag);
  }

  @Override
  public void upload(Path file, StoreUri target) {
    try {
      long size = Files.size(file);
      if (size <= partSize) {
        client.putObject(r -> r.bucket(target.bucket()).key(target.key()), RequestBody.fromFile(file));
      } else {
        uploadInParts(file, size, target);
      }
    } catch (NoSuchBucketException e) {
      throw noBucket(target, e);
    } catch (IOException | SdkException e) {
      throw new PlatformError("cannot upload " + file + " to " + target + ": " + e.getMessage(), e);
    }
  }

  private void uploadInParts(Path file, long size, StoreUri target) throws IOException {
    String uploadId = client.createMultipartUpload(r -> r.bucket(target.bucket()).key(target.key())).uploadId();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      List<CompletedPart> parts = new ArrayList<>();
      int number = 1;
      for (long offset = 0; offset < size; offset += partSize, number++) {
        int length = (int) Math.min(partSize, size - offset);
        byte[] bytes = new byte[length];
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) >= 0) {
          // read the whole part
        }
        int n = number;
        String etag = client.uploadPart(r -> r.bucket(target.bucket()).key(target.key()).uploadId(uploadId)
            .partNumber(n), RequestBody.fromBytes(bytes)).eTag();
        parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
      }
      client.completeMultipartUpload(r -> r.bucket(target.bucket()).key(target.key()).uploadId(uploadId)
          .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
    } catch (IOException | RuntimeException e) {
      try {
        client.abortMultipartUpload(r -> r.bucket(target.bucket()).key(target.key()).uploadId(uploadId));
      } catch (SdkException ignored) {
        // the original failure is the one to report
      }
      throw e;
    }
  }

  private static UserError noBucket(StoreUri uri, Exception e) {
    return new UserError("bucket '" + uri.bucket() + "' of " + uri + " does not exist: perhaps you should "
        + "create it or check the URI", e);
  }

  private static PlatformError failed(String what, StoreUri uri, SdkException e) {
    String detail = e instanceof S3Exception s3 && s3.awsErrorDetails() != null
        ? s3.awsErrorDetails().errorCode() + ": " + s3.awsErrorDetails().errorMessage() : e.getMessage();
    Integer attempts = e.numAttempts();
    return new PlatformError("cannot " + what + " " + uri + ": " + detail
        + (attempts != null && attempts > 1 ? " (" + attempts + " attempts)" : ""), e);
  }

  @Override
  public void close() {
    client.close();
  }
}
