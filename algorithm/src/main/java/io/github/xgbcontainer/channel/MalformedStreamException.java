package io.github.xgbcontainer.channel;

import java.io.IOException;

/**
 * The bytes of a stream break its framing (RecordIO): the data is at fault, not the platform.
 * Readers report it as a user error naming the channel and the stream.
 */
public final class MalformedStreamException extends IOException {

  private final long offset;

  /**
   * @param offset the byte offset in the stream where the fault starts
   * @param detail what is wrong
   */
  public MalformedStreamException(long offset, String detail) {
    super("byte offset " + offset + ": " + detail);
    this.offset = offset;
  }

  /** The byte offset in the stream where the fault starts. */
  public long offset() {
    return offset;
  }
}
