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
  /** False for a view into memory someone else frees (a {@link BatchCache} file mapping). */
  private final boolean owned;

  OffHeapBuffer(long byteCount) {
    if (byteCount > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("batch buffer too large: " + byteCount + " bytes");
    }
    bytes = ByteBuffer.allocateDirect((int) byteCount).order(ByteOrder.nativeOrder());
    owned = true;
  }

  private OffHeapBuffer(ByteBuffer view) {
    bytes = view.order(ByteOrder.nativeOrder());
    owned = false;
  }

  /** A buffer over memory whose owner unmaps it: {@link #close()} only stops this buffer's use. */
  static OffHeapBuffer borrowed(ByteBuffer view) {
    return new OffHeapBuffer(view);
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
      if (owned) {
        UNSAFE.invokeCleaner(bytes);
      }
      bytes = null;
    }
  }

  /** Unmaps a file mapping at once, rather than whenever the garbage collector finds it. */
  static void unmap(ByteBuffer mapping) {
    UNSAFE.invokeCleaner(mapping);
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
