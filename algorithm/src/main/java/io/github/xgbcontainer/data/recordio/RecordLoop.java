package io.github.xgbcontainer.data.recordio;

import com.google.protobuf.InvalidProtocolBufferException;
import io.github.xgbcontainer.channel.RecordIoFrames;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * The loop that a training channel's reader ({@link ProtobufRecordReader}) and an inference
 * request's parser ({@link ProtobufPayloadParser}) both run: RecordIO frame by frame, each frame
 * decoded as one {@code Record}, so a record is numbered, placed and refused the same way in both.
 * Only where the stream is and what to do about a frame that is not a Record differ.
 */
final class RecordLoop {

  /** What is done with each decoded record; {@code where} names it for messages. */
  interface RecordSink {
    void accept(Supplier<String> where, RecordDecoder decoder);
  }

  private final RecordIoFrames frames;
  private final String place;
  private final String notARecordFix;
  private final RecordDecoder decoder = new RecordDecoder();
  private long index;

  /**
   * @param place what goes before {@code record N (byte offset O)} in messages, e.g.
   *     {@code channel 'train', file 'a.pb', }; empty for a request body
   * @param notARecordFix what follows {@code not a SageMaker Record protobuf (<cause>)}: the fix
   */
  RecordLoop(InputStream in, String place, String notARecordFix) {
    this.frames = new RecordIoFrames(in);
    this.place = place;
    this.notARecordFix = notARecordFix;
  }

  /**
   * Reads every frame to the end of the stream, handing each decoded record to {@code sink}.
   *
   * @throws io.github.xgbcontainer.channel.MalformedStreamException when the framing is broken;
   *     {@link #records()} then says how many records came before
   */
  void run(RecordSink sink) throws IOException {
    Position where = new Position();
    while (frames.next()) {
      where.record = ++index;
      where.offset = frames.recordOffset();
      try {
        decoder.decode(frames.buffer(), frames.length());
      } catch (InvalidProtocolBufferException e) {
        throw new UserError(where.get() + ": not a SageMaker Record protobuf (" + e.getMessage() + ")"
            + notARecordFix, e);
      }
      sink.accept(where, decoder);
    }
  }

  /**
   * Names the current record for a message. One, updated in place, serves every record: a million
   * rows should build neither a million strings nor a million objects; a message is built at once.
   */
  private final class Position implements Supplier<String> {
    long record;
    long offset;

    @Override
    public String get() {
      return place + "record " + record + " (byte offset " + offset + ")";
    }
  }

  /** How many frames have been read so far. */
  long records() {
    return index;
  }
}
