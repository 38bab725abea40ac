package io.github.xgbcontainer.data.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class RecyclingAllocatorTest {

  private final RecyclingAllocator allocator = new RecyclingAllocator();

  @Test
  void releasedBuffer_isHandedOutAgain_sizedToTheRequest() {
    ByteBuffer first = allocator.allocate(1000);
    first.put(0, (byte) 7);
    allocator.release(first);
    ByteBuffer second = allocator.allocate(600);
    assertSame(first.array(), second.array());
    assertEquals(0, second.position());
    assertEquals(600, second.limit());
    assertEquals(600, second.capacity());
    assertEquals(1000, allocator.allocatedBytes());
  }

  @Test
  void bufferStillLent_isNeverShared() {
    ByteBuffer first = allocator.allocate(100);
    ByteBuffer second = allocator.allocate(100);
    assertNotSame(first.array(), second.array());
    assertEquals(200, allocator.allocatedBytes());
  }

  @Test
  void tooSmallReleasedBuffer_isNotUsed_theSmallestFitIs() {
    ByteBuffer small = allocator.allocate(10);
    ByteBuffer large = allocator.allocate(5000);
    ByteBuffer medium = allocator.allocate(500);
    allocator.release(small);
    allocator.release(large);
    allocator.release(medium);
    assertSame(medium.array(), allocator.allocate(400).array());
    assertSame(large.array(), allocator.allocate(400).array());
    ByteBuffer fresh = allocator.allocate(6000);
    assertEquals(5510 + 6000, allocator.allocatedBytes());
    assertEquals(6000, fresh.capacity());
  }

  @Test
  void releasingABufferItDidNotLend_isIgnored() {
    allocator.release(ByteBuffer.allocate(64));
    allocator.allocate(64);
    assertEquals(64, allocator.allocatedBytes());
  }
}
