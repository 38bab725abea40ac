package io.github.xgbcontainer.local.store;

import io.github.xgbcontainer.error.ContainerException;
import io.github.xgbcontainer.error.PlatformError;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * An object's bytes as they arrive from a store, checked against what the store said about it: the
 * size it listed and, where it gives one, the object's MD5. An HTTP body that ends cleanly before
 * its length reads like a whole file, so without this check a cut-off object would be trained on
 * as if it were complete; here the end of the stream is only reported once every listed byte came
 * and the checksum matches.
 *
 * <p>Every failure, the store's own read errors included, is a {@link PlatformError} that names the
 * object, which lets a caller tell the store's side from its own (the FIFO or file it writes to).
 */
final class CheckedObjectStream extends InputStream {

  private final InputStream in;
  private final StoredObject object;
  private final Optional<String> expectedMd5;
  private final MessageDigest md5;
  private long received;
  private boolean ended;

  /**
   * @param in the store's stream, closed with this one
   * @param object the object as listed: its URI and size
   * @param expectedMd5 the object's MD5 in hex, when the store gives it
   */
  CheckedObjectStream(InputStream in, StoredObject object, Optional<String> expectedMd5) {
    this.in = in;
    this.object = object;
    this.expectedMd5 = expectedMd5.map(String::toLowerCase);
    try {
      this.md5 = expectedMd5.isPresent() ? MessageDigest.getInstance("MD5") : null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has MD5", e);
    }
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    int n;
    try {
      n = in.read(b, off, len);
    } catch (ContainerException e) {
      throw e;
    } catch (IOException | RuntimeException e) { // RuntimeException: the SDK's own errors, a failed checksum among them
      throw new PlatformError("cannot read " + object.uri() + " after " + received + " of its " + object.size()
          + " bytes: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
    }
    if (n < 0) {
      if (!ended) {
        checkEnd();
        ended = true;
      }
      return -1;
    }
    received += n;
    if (md5 != null) {
      md5.update(b, off, n);
    }
    if (received > object.size()) {
      throw new PlatformError(object.uri() + " sent more than the " + object.size() + " bytes it was listed with: it "
          + "changed after it was listed; perhaps you should leave the data as it is while a job starts");
    }
    return n;
  }

  private void checkEnd() {
    if (received < object.size()) {
      throw new PlatformError(object.uri() + " ended after " + received + " of its " + object.size() + " bytes: the "
          + "store cut it short; perhaps you should check the store and run the job again");
    }
    if (md5 != null) {
      String got = HexFormat.of().formatHex(md5.digest());
      if (!got.equals(expectedMd5.get())) {
        throw new PlatformError(object.uri() + " does not match its checksum: its " + received + " bytes have the MD5 "
            + got + ", its ETag says " + expectedMd5.get() + "; perhaps you should check the store and run the job again");
      }
    }
  }

  /** Reads what it skips: every byte counts toward the size and the checksum. */
  @Override
  public long skip(long n) {
    byte[] buffer = new byte[(int) Math.min(n, 1 << 16)];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
