package io.github.xgbcontainer.channel;

import java.io.IOException;

/**
 * The bytes of a stream break its framing (RecordIO): the data is at fault, not the platform.
 * Readers report it as a user error naming the channel and the stream.
 */
public final class MalformedStreamException extends IOException {

  private final long offset;
  private final String detail;

  /**
   * @param offset the byte offset in the stream where the fault starts
   * @param detail what is wrong
   */
  public MalformedStreamException(long offset, String detail) {
    this(offset, detail, null);
  }

  /**
   * @param offset the byte offset in the stream where the fault starts
   * @param detail what is wrong
   * @param channelHint what to check in a training channel's configuration, or {@code null}; left
   *     out of {@link #detail()}, since a request body has no channel
   */
  public MalformedStreamException(long offset, String detail, String channelHint) {
    super("byte offset " + offset + ": " + detail + (channelHint == null ? "" : "; " + channelHint));
    this.offset = offset;
    this.detail = detail;
  }

  /** What is wrong, without the offset and without the channel hint. */
  public String detail() {
    return detail;
  }

  /** The byte offset in the stream where the fault starts. */
  public long offset() {
    return offset;
  }
}
