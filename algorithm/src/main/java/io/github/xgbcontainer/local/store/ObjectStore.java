package io.github.xgbcontainer.local.store;

import io.github.xgbcontainer.error.PlatformError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The few object-store operations a local job needs, for S3 and for local files alike. */
public interface ObjectStore {

  /** Every object whose key starts with {@code prefix}, sorted by key. */
  List<StoredObject> list(StoreUri prefix);

  /** The object's bytes as a stream, unchecked (a manifest, whose size nobody listed). */
  InputStream open(StoreUri object);

  /**
   * The bytes of a listed object, read as they arrive (Pipe and FastFile: no local copy) and checked
   * against its listed size and, where the store gives one, its checksum ({@link CheckedObjectStream}):
   * a short, long or corrupt object, or a read the store breaks off, throws a {@link PlatformError}
   * naming the object instead of ending like a whole one.
   */
  default InputStream read(StoredObject object) {
    return new CheckedObjectStream(open(object.uri()), object, java.util.Optional.empty());
  }

  /**
   * Copies a listed object to {@code target}, replacing it, checked as {@link #read} checks it; when
   * the copy fails, {@code target} is removed, so no part of an object passes for all of it.
   */
  default void download(StoredObject object, Path target) {
    try {
      Files.createDirectories(target.getParent());
    } catch (IOException e) {
      throw new PlatformError("cannot download " + object.uri() + " to " + target + ": " + e.getMessage(), e);
    }
    try (InputStream in = read(object)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(target);
      } catch (IOException ignored) {
        // the failure below is the one to report
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new PlatformError("cannot download " + object.uri() + " to " + target + ": " + e.getMessage(), e);
    }
  }

  /** Copies {@code file} to {@code target}. */
  void upload(Path file, StoreUri target);
}
