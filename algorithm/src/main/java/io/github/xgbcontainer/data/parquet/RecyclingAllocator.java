package io.github.xgbcontainer.data.parquet;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.bytes.ByteBufferAllocator;

/**
 * Heap buffers for the column chunks parquet-java reads, handed out again once released.
 *
 * <p>The reader reads one column chunk at a time and closes its page store before the next (see
 * {@link ParquetReader}), which releases the chunk's buffers here. Without recycling, every chunk
 * (megabytes each) is fresh garbage and the JVM grows its heap to hold a row group's worth of it
 * before collecting; with it the heap holds about one chunk. Not thread-safe: one reader, one
 * allocator.
 */
final class RecyclingAllocator implements ByteBufferAllocator {

  /** Released buffers; few (a chunk's worth), so a linear search for the smallest fit is fine. */
  private final List<ByteBuffer> free = new ArrayList<>();
  /** The buffer handed out, by identity, to the whole array it came from. */
  private final Map<ByteBuffer, ByteBuffer> lent = new IdentityHashMap<>();
  private long allocated;

  @Override
  public ByteBuffer allocate(int size) {
    ByteBuffer whole = takeFree(size);
    if (whole == null) {
      whole = ByteBuffer.allocate(size);
      allocated += size;
    }
    ByteBuffer lease = whole.duplicate().clear().limit(size).slice();
    lent.put(lease, whole);
    return lease;
  }

  private ByteBuffer takeFree(int size) {
    int best = -1;
    for (int i = 0; i < free.size(); i++) {
      int capacity = free.get(i).capacity();
      if (capacity >= size && (best < 0 || capacity < free.get(best).capacity())) {
        best = i;
      }
    }
    return best < 0 ? null : free.remove(best);
  }

  @Override
  public void release(ByteBuffer buffer) {
    ByteBuffer whole = lent.remove(buffer);
    if (whole != null) {
      free.add(whole);
    }
  }

  @Override
  public boolean isDirect() {
    return false;
  }

  /** Bytes allocated from the heap so far; what recycling saves shows as this staying small. */
  long allocatedBytes() {
    return allocated;
  }
}
