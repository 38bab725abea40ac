package io.github.xgbcontainer.channel;

import java.io.IOException;
import java.io.InputStream;

/**
 * The payloads of a RecordIO-wrapped stream ({@code RecordWrapperType=RecordIO}), one after
 * another. For text (CSV, LibSVM) each record holds one or more lines, and a line feed is added
 * where a record's last line has none, so a row never runs into the next record's first row.
 */
public final class RecordIoPayloadStream extends InputStream {

  private final InputStream raw;
  private final RecordIoFrames frames;
  private int position;
  private int limit;
  private boolean pendingLineFeed;
  private final boolean terminateLines;
  private boolean done;

  /**
   * @param raw the framed bytes
   * @param terminateLines whether to end every record with a line feed (text payloads)
   */
  public RecordIoPayloadStream(InputStream raw, boolean terminateLines) {
    this.raw = raw;
    this.frames = new RecordIoFrames(raw);
    this.terminateLines = terminateLines;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] into, int from, int count) throws IOException {
    if (count == 0) {
      return 0;
    }
    int written = 0;
    while (written < count) {
      if (position < limit) {
        int n = Math.min(count - written, limit - position);
        System.arraycopy(frames.buffer(), position, into, from + written, n);
        position += n;
        written += n;
      } else if (pendingLineFeed) {
        into[from + written++] = '\n';
        pendingLineFeed = false;
      } else if (done || (written > 0 && raw.available() == 0)) {
        // hand back what we have rather than block on a pipe for the next frame
        break;
      } else if (frames.next()) {
        position = 0;
        limit = frames.length();
        pendingLineFeed = terminateLines && limit > 0 && frames.buffer()[limit - 1] != '\n';
      } else {
        done = true;
      }
    }
    return written == 0 && done ? -1 : written;
  }

  @Override
  public void close() throws IOException {
    raw.close();
  }
}
