import io.github.xgbcontainer.channel.RecordIoFrames;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Float32Tensor;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Record;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Value;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Rewrites the benchmark CSV (label first, dense numeric features) as the other content types:
 * Parquet (double columns, Snappy, 128 MB row groups, as pandas and Spark write by default) or
 * SageMaker RecordIO-protobuf (one {@code Record} per row, float32 dense tensors, as the SageMaker
 * Python SDK's {@code write_numpy_to_dense_tensor} writes).
 *
 * <p>Usage: {@code java -cp <classes> ConvertCsv parquet|recordio-protobuf <in.csv> <out>}
 */
public final class ConvertCsv {

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: ConvertCsv parquet|recordio-protobuf <in.csv> <out>");
      System.exit(2);
    }
    Path in = Path.of(args[1]);
    Path out = Path.of(args[2]);
    int columns;
    try (BufferedReader r = Files.newBufferedReader(in)) {
      columns = r.readLine().split(",").length;
    }
    if (args[0].equals("parquet")) {
      parquet(in, out, columns);
    } else {
      recordio(in, out, columns);
    }
  }

  private static void parquet(Path in, Path out, int columns) throws IOException {
    StringBuilder schema = new StringBuilder("message row { required double label;");
    for (int c = 1; c < columns; c++) {
      schema.append(" required double f").append(c).append(';');
    }
    MessageType type = MessageTypeParser.parseMessageType(schema.append(" }").toString());
    SimpleGroupFactory groups = new SimpleGroupFactory(type);
    Files.deleteIfExists(out);
    try (BufferedReader r = Files.newBufferedReader(in);
         ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(out))
             .withConf(new Configuration(false)).withType(type)
             .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split(",");
        Group g = groups.newGroup().append("label", Double.parseDouble(f[0]));
        for (int c = 1; c < columns; c++) {
          g.append("f" + c, Double.parseDouble(f[c]));
        }
        w.write(g);
      }
    }
  }

  private static void recordio(Path in, Path out, int columns) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(in);
         OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split(",");
        Float32Tensor.Builder features = Float32Tensor.newBuilder();
        for (int c = 1; c < columns; c++) {
          features.addValues(Float.parseFloat(f[c]));
        }
        Record record = Record.newBuilder()
            .putFeatures("values", Value.newBuilder().setFloat32Tensor(features).build())
            .putLabel("values", Value.newBuilder()
                .setFloat32Tensor(Float32Tensor.newBuilder().addValues(Float.parseFloat(f[0]))).build())
            .build();
        o.write(RecordIoFrames.frame(record.toByteArray()));
      }
    }
  }
}
