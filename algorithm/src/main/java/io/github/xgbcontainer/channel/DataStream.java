package io.github.xgbcontainer.channel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One stream of a channel: a file in File mode, a pipe in Pipe mode. Content readers see only this.
 */
public interface DataStream {

  /** The name used in messages: the path relative to the channel folder, or the pipe's path. */
  String name();

  /** Opens the bytes, already decompressed when the source is gzip. Each call reads from the start. */
  InputStream open() throws IOException;

  /**
   * The stream's file when it is a regular file that may be read at random (File and FastFile
   * mode), for formats such as Parquet that need to seek; empty for a pipe.
   */
  default Optional<Path> file() {
    return Optional.empty();
  }
}
