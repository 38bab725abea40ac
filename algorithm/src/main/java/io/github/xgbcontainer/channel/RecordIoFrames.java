package io.github.xgbcontainer.channel;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads RecordIO frames, the framing SageMaker uses for {@code application/x-recordio-protobuf} and
 * for any channel with {@code RecordWrapperType=RecordIO}: a little-endian {@code uint32} magic
 * {@code 0xCED7230A}, a little-endian {@code uint32} whose low 29 bits are the payload length and
 * whose top 3 bits are the continuation flag, the payload, and zero padding to a multiple of 4.
 *
 * <p>The continuation flag follows dmlc-core's RecordIO (0 whole record, 1 first part, 2 middle
 * part, 3 last part): a writer splits a record where its payload holds the magic word, and the
 * reader joins the parts with the magic word between them. See
 * https://docs.aws.amazon.com/sagemaker/latest/dg/cdf-training.html and
 * https://github.com/dmlc/dmlc-core/blob/main/include/dmlc/recordio.h
 *
 * <p>Memory grows with the bytes that actually arrive, never with what a length field claims, so
 * a corrupt length cannot allocate gigabytes.
 */
public final class RecordIoFrames {

  /** The RecordIO magic word. */
  public static final int MAGIC = 0xCED7230A;
  private static final int LENGTH_MASK = (1 << 29) - 1;
  private static final int CHUNK = 1 << 16;

  private final InputStream in;
  private final byte[] header = new byte[8];
  private byte[] record = new byte[CHUNK];
  private int recordLength;
  private long offset;
  private long recordOffset;

  public RecordIoFrames(InputStream in) {
    this.in = in;
  }

  /**
   * Reads the next whole record (parts joined).
   *
   * @return whether a record was read; {@code false} at a clean end of stream
   * @throws MalformedStreamException for a bad magic word, a truncated frame or a bad continuation
   */
  public boolean next() throws IOException {
    recordLength = 0;
    recordOffset = offset;
    boolean inParts = false;
    while (true) {
      long frameOffset = offset;
      int got = readFully(header, 0, 8);
      if (got == 0 && !inParts) {
        return false;
      }
      if (got < 8) {
        throw new MalformedStreamException(frameOffset, "truncated RecordIO frame header ("
            + got + " of 8 bytes)" + (inParts ? " inside a multi-part record" : ""));
      }
      int magic = littleEndian(header, 0);
      if (magic != MAGIC) {
        throw new MalformedStreamException(frameOffset, String.format(
            "not a RecordIO frame: magic is 0x%08X, expected 0xCED7230A", magic),
            "is the channel's RecordWrapperType or ContentType right?");
      }
      int word = littleEndian(header, 4);
      int flag = word >>> 29;
      int length = word & LENGTH_MASK;
      if (flag > 3 || (inParts ? flag == 0 || flag == 1 : flag == 2 || flag == 3)) {
        throw new MalformedStreamException(frameOffset, "RecordIO continuation flag " + flag
            + (inParts ? " inside a multi-part record" : " outside a multi-part record"));
      }
      if (inParts) {
        append(header, 0, 4);
      }
      readPayload(frameOffset, length);
      int pad = (4 - (length & 3)) & 3;
      if (pad > 0) {
        int padded = readFully(header, 0, pad);
        if (padded < pad) {
          throw new MalformedStreamException(frameOffset, "truncated RecordIO frame: padding after "
              + length + " payload bytes is missing");
        }
      }
      if (flag == 0 || flag == 3) {
        return true;
      }
      inParts = true;
    }
  }

  /** The current record's bytes; only {@code [0, length())} is data. Reused by the next call. */
  public byte[] buffer() {
    return record;
  }

  /** The current record's length. */
  public int length() {
    return recordLength;
  }

  /** The byte offset of the current record's first frame in the stream. */
  public long recordOffset() {
    return recordOffset;
  }

  private void readPayload(long frameOffset, int length) throws IOException {
    int remaining = length;
    while (remaining > 0) {
      ensure(Math.min(remaining, CHUNK));
      int want = Math.min(remaining, record.length - recordLength);
      int n = readFully(record, recordLength, want);
      recordLength += n;
      remaining -= n;
      if (n < want) {
        throw new MalformedStreamException(frameOffset, "truncated RecordIO frame: header says "
            + length + " payload bytes, the stream ends after " + (length - remaining));
      }
    }
  }

  private void append(byte[] bytes, int from, int count) {
    ensure(count);
    System.arraycopy(bytes, from, record, recordLength, count);
    recordLength += count;
  }

  private void ensure(int more) {
    if (record.length - recordLength < more) {
      long wanted = Math.max((long) record.length * 2, (long) recordLength + more);
      record = Arrays.copyOf(record, (int) Math.min(wanted, Integer.MAX_VALUE - 8));
    }
  }

  private int readFully(byte[] into, int from, int count) throws IOException {
    int done = 0;
    while (done < count) {
      int n = in.read(into, from + done, count - done);
      if (n < 0) {
        break;
      }
      done += n;
    }
    offset += done;
    return done;
  }

  private static int littleEndian(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
  }

  /** For tests and fixtures: one whole-record frame. */
  public static byte[] frame(byte[] payload) {
    int pad = (4 - (payload.length & 3)) & 3;
    byte[] out = new byte[8 + payload.length + pad];
    put(out, 0, MAGIC);
    put(out, 4, payload.length);
    System.arraycopy(payload, 0, out, 8, payload.length);
    return out;
  }

  private static void put(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }
}
