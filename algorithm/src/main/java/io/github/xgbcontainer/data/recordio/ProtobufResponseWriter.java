package io.github.xgbcontainer.data.recordio;

import io.github.xgbcontainer.channel.RecordIoFrames;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Float32Tensor;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Record;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Value;
import java.io.ByteArrayOutputStream;

/**
 * Writes inference answers as SageMaker's RecordIO-protobuf ({@code Accept:
 * application/x-recordio-protobuf}): one {@code Record} per input row, each answer key a float32
 * tensor under {@code label}, as the official image encodes its selectable outputs and SageMaker's
 * built-in algorithms their scores ({@code label["score"]}). Each record is framed as RecordIO:
 * the magic, the payload length, the payload, zero padding to a multiple of four bytes.
 *
 * @see <a href="https://docs.aws.amazon.com/sagemaker/latest/dg/cdf-inference.html">Common data formats for inference</a>
 */
public final class ProtobufResponseWriter {

  private final ByteArrayOutputStream out;
  private Record.Builder record = Record.newBuilder();

  /** @param records the number of records to come, to size the buffer */
  public ProtobufResponseWriter(int records) {
    this.out = new ByteArrayOutputStream(Math.max(64, records * 32));
  }

  /** Adds {@code key} to the record being built. */
  public ProtobufResponseWriter label(String key, float... values) {
    Float32Tensor.Builder tensor = Float32Tensor.newBuilder();
    for (float v : values) {
      tensor.addValues(v);
    }
    record.putLabel(key, Value.newBuilder().setFloat32Tensor(tensor).build());
    return this;
  }

  /** Frames the record built so far and starts the next. */
  public void endRecord() {
    byte[] payload = record.build().toByteArray();
    record = Record.newBuilder();
    writeIntLittleEndian(RecordIoFrames.MAGIC);
    writeIntLittleEndian(payload.length);
    out.write(payload, 0, payload.length);
    for (int pad = (4 - payload.length % 4) % 4; pad > 0; pad--) {
      out.write(0);
    }
  }

  /** The framed records. */
  public byte[] toByteArray() {
    return out.toByteArray();
  }

  private void writeIntLittleEndian(int v) {
    out.write(v);
    out.write(v >>> 8);
    out.write(v >>> 16);
    out.write(v >>> 24);
  }
}
