package io.github.xgbcontainer.data.recordio;

import io.github.xgbcontainer.channel.MalformedStreamException;
import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.error.UserError;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Parses one inference request body in SageMaker's RecordIO-protobuf (the {@code serve} command's
 * {@code application/x-recordio-protobuf} payloads) with the frame reader and record decoder that
 * read training channels, so a record is refused or read the same way in both; the checks on keys
 * and shapes (every key a column index below the width, every width below 2^31) are the training
 * reader's. Inference records need no label; one they carry is ignored, as the official image does.
 *
 * @see <a href="https://docs.aws.amazon.com/sagemaker/latest/dg/cdf-inference.html">Common data formats for inference</a>
 */
public final class ProtobufPayloadParser {

  private static final String FIX = ", perhaps you should send the body as SageMaker's RecordIO-protobuf"
      + " (sagemaker.amazon.common.write_numpy_to_dense_tensor)";

  private ProtobufPayloadParser() {}

  /**
   * @param body the payload; only {@code [0, length)} is read
   * @return one batch, dense when every record is dense, else CSR; {@code null} when the payload
   *     holds no records
   * @throws UserError naming the record and its byte offset
   */
  public static Batch parse(byte[] body, int length) {
    RecordLoop loop = new RecordLoop(new ByteArrayInputStream(body, 0, length), "", FIX);
    Batch[] out = new Batch[1];
    ProtobufRecordReader.Rows rows = new ProtobufRecordReader.Rows(batch -> out[0] = batch, true);
    try {
      loop.run((where, decoder) -> rows.add(where,
          ProtobufRecordReader.tensor(where, decoder.hasFeatures, decoder.features, "features"), 0f));
      rows.flush();
      return out[0];
    } catch (MalformedStreamException e) {
      throw new UserError("record " + (loop.records() + 1) + " (byte offset " + e.offset() + "): " + e.detail()
          + FIX, e);
    } catch (IOException e) {
      throw new IllegalStateException("reading a byte array failed", e);
    } finally {
      rows.release();
    }
  }
}
