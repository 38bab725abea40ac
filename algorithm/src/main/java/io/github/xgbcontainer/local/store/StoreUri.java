package io.github.xgbcontainer.local.store;

import io.github.xgbcontainer.error.UserError;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A location in an object store: {@code s3://bucket/key} or {@code file:///absolute/path}.
 *
 * @param scheme {@code s3} or {@code file}
 * @param bucket the bucket; empty for {@code file}
 * @param key the key (may be empty: the whole bucket); for {@code file}, the absolute path
 */
public record StoreUri(String scheme, String bucket, String key) {

  public StoreUri {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
  }

  /** Parses the value of a request field; {@code field} names it in the error. */
  public static StoreUri parse(String field, String raw) {
    if (raw == null || raw.isBlank()) {
      throw new UserError(field + " is missing: give an s3://bucket/prefix or file:///path URI");
    }
    String value = raw.trim();
    if (value.startsWith("s3://")) {
      String rest = value.substring("s3://".length());
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      String key = slash < 0 ? "" : rest.substring(slash + 1);
      if (bucket.isEmpty()) {
        throw new UserError(field + " '" + raw + "' has no bucket: write s3://bucket/prefix");
      }
      return new StoreUri("s3", bucket, key);
    }
    if (value.startsWith("file:")) {
      String path = value.replaceFirst("^file:(//)?", "");
      if (!path.startsWith("/")) {
        throw new UserError(field + " '" + raw + "' is not an absolute file URI: write file:///absolute/path");
      }
      return new StoreUri("file", "", path);
    }
    throw new UserError(field + " '" + raw + "' is not an S3 URI: write s3://bucket/prefix (or file:///path for local data)");
  }

  /** A file location. */
  public static StoreUri of(Path file) {
    return new StoreUri("file", "", file.toAbsolutePath().normalize().toString());
  }

  public boolean isS3() {
    return scheme.equals("s3");
  }

  /** The location of {@code name} under this one, as a folder. */
  public StoreUri child(String name) {
    if (key.isEmpty()) {
      return new StoreUri(scheme, bucket, name);
    }
    return new StoreUri(scheme, bucket, key.endsWith("/") ? key + name : key + "/" + name);
  }

  /** The local path of a {@code file} URI. */
  public Path path() {
    return Path.of(key);
  }

  @Override
  public String toString() {
    return isS3() ? "s3://" + bucket + "/" + key : "file://" + key;
  }
}
