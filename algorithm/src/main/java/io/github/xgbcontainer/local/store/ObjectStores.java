package io.github.xgbcontainer.local.store;

import java.net.URI;
import java.util.Optional;

/** Picks the store for a URI's scheme; the S3 client is made on first use and closed with this. */
public final class ObjectStores implements AutoCloseable {

  private final Optional<URI> endpoint;
  private final FileStore files = new FileStore();
  private S3Store s3;

  public ObjectStores(Optional<URI> endpoint) {
    this.endpoint = endpoint;
  }

  /** Stores using {@code s3} for S3 URIs (a client configured elsewhere, as in tests). */
  public ObjectStores(S3Store s3) {
    this.endpoint = Optional.empty();
    this.s3 = s3;
  }

  public synchronized ObjectStore forUri(StoreUri uri) {
    if (!uri.isS3()) {
      return files;
    }
    if (s3 == null) {
      s3 = S3Store.create(endpoint);
    }
    return s3;
  }

  @Override
  public synchronized void close() {
    if (s3 != null) {
      s3.close();
    }
  }
}
