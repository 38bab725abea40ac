package io.github.xgbcontainer.channel;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Recognises gzip by its magic number, whatever the file is called, and unwraps it. */
final class Decompression {

  private static final int BUFFER = 1 << 16;

  private Decompression() {}

  static InputStream unwrap(InputStream raw) throws IOException {
    return unwrap(raw, Long.MAX_VALUE);
  }

  /**
   * As {@link #unwrap(InputStream)}, for a stream of {@code size} bytes: its read buffer is no larger
   * than the stream, so a channel of many small files does not allocate 64 KiB for each.
   */
  static InputStream unwrap(InputStream raw, long size) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, (int) Math.max(16, Math.min(BUFFER, size)));
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new GZIPInputStream(in, BUFFER);
    }
    return in;
  }
}
