package io.github.xgbcontainer.data.parquet;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A byte range of a local file as a Parquet {@link InputFile}: a whole file in File mode, or one of
 * the Parquet files that a pipe delivered back to back.
 *
 * @param file the file
 * @param start the first byte of the range
 * @param end one past the last byte
 */
record FileSegment(Path file, long start, long end) implements InputFile {

  @Override
  public long getLength() {
    return end - start;
  }

  @Override
  public SeekableInputStream newStream() throws IOException {
    return new Stream(FileChannel.open(file, StandardOpenOption.READ));
  }

  private final class Stream extends SeekableInputStream {
    private final FileChannel channel;
    private long position;

    Stream(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void seek(long newPos) {
      position = newPos;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public void readFully(byte[] bytes) throws IOException {
      readFully(ByteBuffer.wrap(bytes));
    }

    @Override
    public void readFully(byte[] bytes, int off, int len) throws IOException {
      readFully(ByteBuffer.wrap(bytes, off, len));
    }

    @Override
    public int read(ByteBuffer buf) throws IOException {
      long left = getLength() - position;
      if (left <= 0) {
        return buf.hasRemaining() ? -1 : 0;
      }
      int limit = buf.limit();
      if (buf.remaining() > left) {
        buf.limit(buf.position() + (int) left);
      }
      try {
        int n = channel.read(buf, start + position);
        if (n > 0) {
          position += n;
        }
        return n;
      } finally {
        buf.limit(limit);
      }
    }

    @Override
    public void readFully(ByteBuffer buf) throws IOException {
      while (buf.hasRemaining()) {
        if (read(buf) < 0) {
          throw new EOFException("Parquet data ends early at byte " + position + " of " + getLength());
        }
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
