package io.github.xgbcontainer.local.plan;

import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.local.store.StoreUri;
import io.github.xgbcontainer.local.store.StoredObject;
import java.nio.file.Path;

/**
 * An object of a channel and the name it gets under the channel's folder.
 *
 * @param uri where it is
 * @param size bytes
 * @param localName path relative to {@code /opt/ml/input/data/<channel>/}
 */
public record ChannelObject(StoreUri uri, long size, String localName) {

  /** The object as its store listed it: what a checked read compares the bytes with. */
  public StoredObject stored() {
    return new StoredObject(uri, size);
  }

  /**
   * The object's path under the channel folder: its name read as a path, as a file system reads
   * {@code <folder>/<name>}, so {@code a//b}, {@code ./a/b} and {@code a/b} are one path, and
   * {@code x/..} is the folder itself (empty).
   */
  public Path relativePath() {
    return Path.of(localName.replaceFirst("^/+", "")).normalize();
  }

  /**
   * Where the object goes under the channel folder {@code dir}: File mode downloads it there,
   * FastFile mode makes its FIFO there.
   *
   * @throws UserError when the name leads out of the folder ({@code ..} in a manifest entry)
   */
  public Path under(Path dir, String channel) {
    Path target = dir.resolve(relativePath()).normalize();
    if (!target.startsWith(dir)) {
      throw new UserError("channel '" + channel + "': object name '" + localName + "' leaves the channel folder");
    }
    return target;
  }
}
