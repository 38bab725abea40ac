package io.github.xgbcontainer.data;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A direct buffer in native byte order whose memory is returned to the system on {@link #close()}
 * rather than whenever the garbage collector gets to it, so a parsed channel does not stay in the
 * process's resident set while the booster trains.
 */
final class OffHeapBuffer implements AutoCloseable {

  private static final sun.misc.Unsafe UNSAFE = loadUnsafe();

  private ByteBuffer bytes;

  OffHeapBuffer(long byteCount) {
    if (byteCount > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("batch buffer too large: " + byteCount + " bytes");
    }
    bytes = ByteBuffer.allocateDirect((int) byteCount).order(ByteOrder.nativeOrder());
  }

  ByteBuffer bytes() {
    if (bytes == null) {
      throw new IllegalStateException("buffer already released");
    }
    return bytes;
  }

  @Override
  public void close() {
    if (bytes != null) {
      UNSAFE.invokeCleaner(bytes);
      bytes = null;
    }
  }

  private static sun.misc.Unsafe loadUnsafe() {
    try {
      Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      return (sun.misc.Unsafe) field.get(null);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
