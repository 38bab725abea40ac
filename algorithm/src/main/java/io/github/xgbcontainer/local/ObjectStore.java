package io.github.xgbcontainer.local;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/** The few object-store operations a local job needs, for S3 and for local files alike. */
public interface ObjectStore {

  /** Every object whose key starts with {@code prefix}, sorted by key. */
  List<StoredObject> list(StoreUri prefix);

  /** The object's bytes as a stream, read as they arrive (Pipe mode: no local copy). */
  InputStream open(StoreUri object);

  /** Copies the object to {@code target}, replacing it. */
  void download(StoreUri object, Path target);

  /** Copies {@code file} to {@code target}. */
  void upload(Path file, StoreUri target);
}
