package io.github.xgbcontainer.data.recordio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.channel.DataStream;
import io.github.xgbcontainer.channel.RecordIoFrames;
import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Float32Tensor;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Record;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Value;
import io.github.xgbcontainer.error.UserError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtobufPayloadParserTest {

  static byte[] frame(List<Float> values, List<Long> keys, List<Long> shape) {
    Float32Tensor.Builder tensor = Float32Tensor.newBuilder().addAllValues(values);
    if (keys != null) {
      tensor.addAllKeys(keys);
    }
    if (shape != null) {
      tensor.addAllShape(shape);
    }
    Record record = Record.newBuilder()
        .putFeatures("values", Value.newBuilder().setFloat32Tensor(tensor).build()).build();
    return RecordIoFrames.frame(record.toByteArray());
  }

  @Test
  void moreDenseRecordsThanATrainingBatch_stayOneDenseBatch() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] row = frame(List.of(1f, 2f, 3f), null, null);
    int records = ProtobufRecordReader.BATCH_ROWS + 10;
    for (int i = 0; i < records; i++) {
      body.writeBytes(row);
    }
    byte[] bytes = body.toByteArray();
    try (Batch batch = ProtobufPayloadParser.parse(bytes, bytes.length)) {
      assertTrue(batch.isDense());
      assertEquals(records, batch.rows());
      assertEquals(3, batch.columns());
      assertEquals(3f, batch.values().get(3 * records - 1));
    }
  }

  @Test
  void denseThenSparse_becomeOneCsrBatch_withTheDenseValuesAtTheirPositions() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(frame(List.of(1f, 2f), null, null));
    body.writeBytes(frame(List.of(5f), List.of(3L), List.of(4L)));
    body.writeBytes(frame(List.of(7f, 8f), null, null));
    byte[] bytes = body.toByteArray();
    try (Batch batch = ProtobufPayloadParser.parse(bytes, bytes.length)) {
      assertFalse(batch.isDense());
      assertEquals(3, batch.rows());
      assertEquals(4, batch.columns());
      long[] indptr = new long[4];
      batch.indptr().get(indptr);
      assertEquals(List.of(0L, 2L, 3L, 5L), List.of(indptr[0], indptr[1], indptr[2], indptr[3]));
      int[] indices = new int[5];
      batch.indices().get(indices);
      assertEquals(List.of(0, 1, 3, 0, 1), List.of(indices[0], indices[1], indices[2], indices[3], indices[4]));
    }
    assertNull(ProtobufPayloadParser.parse(new byte[0], 0));
  }

  @Test
  void aFrameThatIsNotARecord_isPlacedByBothReadersThroughOneLoop() throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(frame(List.of(1f, 2f), null, null));
    body.writeBytes(RecordIoFrames.frame(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
    byte[] bytes = body.toByteArray();
    long offset = frame(List.of(1f, 2f), null, null).length;
    String cause = "not a SageMaker Record protobuf (While parsing a protocol message, the input ended "
        + "unexpectedly in the middle of a field.  This could mean either that the input has been truncated "
        + "or that an embedded message misreported its own length.)";

    UserError request = assertThrows(UserError.class, () -> ProtobufPayloadParser.parse(bytes, bytes.length));
    assertEquals("record 2 (byte offset " + offset + "): " + cause + ", perhaps you should send the body as "
        + "SageMaker's RecordIO-protobuf (sagemaker.amazon.common.write_numpy_to_dense_tensor)", request.getMessage());

    body.reset();
    body.writeBytes(frame(List.of(1f, 2f), null, null));
    body.writeBytes("1,2,3,4\n".getBytes());
    byte[] broken = body.toByteArray();
    UserError framing = assertThrows(UserError.class, () -> ProtobufPayloadParser.parse(broken, broken.length));
    assertEquals("record 2 (byte offset " + offset + "): not a RecordIO frame: magic is 0x2C322C31, expected "
        + "0xCED7230A, perhaps you should send the body as SageMaker's RecordIO-protobuf"
        + " (sagemaker.amazon.common.write_numpy_to_dense_tensor)", framing.getMessage());

    // a training record needs a label: the same bytes behind a labelled first record
    Float32Tensor one = Float32Tensor.newBuilder().addValues(1f).build();
    byte[] labelled = RecordIoFrames.frame(Record.newBuilder()
        .putFeatures("values", Value.newBuilder().setFloat32Tensor(one).build())
        .putLabel("values", Value.newBuilder().setFloat32Tensor(one).build()).build().toByteArray());
    ByteArrayOutputStream channelBytes = new ByteArrayOutputStream();
    channelBytes.writeBytes(labelled);
    channelBytes.writeBytes(RecordIoFrames.frame(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
    DataStream stream = new DataStream() {
      @Override
      public String name() {
        return "part-1.pb";
      }

      @Override
      public InputStream open() {
        return new ByteArrayInputStream(channelBytes.toByteArray());
      }
    };
    UserError channel = assertThrows(UserError.class,
        () -> new ProtobufRecordReader().read("train", stream, Batch::close));
    assertEquals("channel 'train', file 'part-1.pb', record 2 (byte offset " + labelled.length + "): " + cause
        + "; perhaps you should check the channel's ContentType", channel.getMessage());
  }
}
