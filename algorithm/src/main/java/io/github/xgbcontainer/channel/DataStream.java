package io.github.xgbcontainer.channel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One stream of a channel: a file in File mode, a file or a FIFO in FastFile mode, a pipe in Pipe
 * mode. Content readers see only this, and open each stream once, after the previous one was read
 * to its end: a FIFO served on demand depends on it (see {@code sagemaker.ChannelFiles}).
 */
public interface DataStream {

  /** The name used in messages: the path relative to the channel folder, or the pipe's path. */
  String name();

  /** Opens the bytes, already decompressed when the source is gzip. Each call reads from the start. */
  InputStream open() throws IOException;

  /**
   * The stream's file when it is a regular file that may be read at random (File mode, FastFile
   * on a SageMaker mount), for formats such as Parquet that need to seek; empty for a pipe or a FIFO,
   * which such formats spool first.
   */
  default Optional<Path> file() {
    return Optional.empty();
  }
}
