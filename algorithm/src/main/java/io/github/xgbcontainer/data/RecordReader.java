package io.github.xgbcontainer.data;

import io.github.xgbcontainer.channel.DataStream;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Turns one stream of a binary content type (Parquet, RecordIO-protobuf) into batches, in the
 * order of the stream's rows. Text content types go through line blocks instead.
 */
public interface RecordReader {

  /**
   * Reads the whole stream.
   *
   * @param channel the channel name, for messages
   * @param stream the stream
   * @param sink receives each batch as soon as it is complete; it owns the batch from then on
   * @throws io.github.xgbcontainer.error.UserError for malformed data, naming channel, file and
   *     record or byte offset
   * @throws IOException when the platform fails to deliver the bytes
   */
  void read(String channel, DataStream stream, Consumer<Batch> sink) throws IOException;

  /**
   * The feature columns' names, after every stream was read: Parquet's column names; empty when the
   * format has none, and XGBoost's {@code f0, f1, ...} apply.
   */
  default java.util.List<String> featureNames() {
    return java.util.List.of();
  }
}
