package io.github.xgbcontainer.data;

import io.github.xgbcontainer.channel.RecordIoFrames;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Float32Tensor;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Float64Tensor;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Int32Tensor;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Record;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Value;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * Writes the small Parquet and RecordIO-protobuf files under {@code src/test/resources/fixtures}
 * (run by {@code make-fixtures.sh} beside them). Each file is one edge case the readers' tests name.
 */
public final class Fixtures {

  private Fixtures() {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources/fixtures");
    Path pb = Files.createDirectories(root.resolve("recordio"));
    Path pq = Files.createDirectories(root.resolve("parquet"));

    // sparse rows with values in every corner of a 4 x 5 matrix, and an all-zero row (no keys)
    write(pb.resolve("sparse_corners.pb"), List.of(
        sparse(1, new long[] {0}, new float[] {1.5f}, 5),
        sparse(0, new long[] {4}, new float[] {-2}, 5),
        sparse(1, new long[] {0, 4}, new float[] {3, 4}, 5),
        sparse(0, new long[] {}, new float[] {}, 5)));
    write(pb.resolve("single_feature.pb"), List.of(dense(0, 1f), dense(1, 2f), dense(0, 3f)));
    write(pb.resolve("dense_as_sparse.pb"), List.of(
        sparse(1, new long[] {0, 1, 2}, new float[] {1, 2, 3}, 3),
        sparse(0, new long[] {0, 1, 2}, new float[] {4, 5, 6}, 3)));
    write(pb.resolve("sparse_widths.pb"), List.of(
        sparse(1, new long[] {2}, new float[] {1}, 3),
        sparse(0, new long[] {6}, new float[] {2}, 7)));
    write(pb.resolve("dense_then_sparse.pb"), List.of(
        dense(1, 1f, 2f, 3f),
        sparse(0, new long[] {1}, new float[] {5}, 3)));
    write(pb.resolve("unsorted_keys.pb"), List.of(sparse(1, new long[] {3, 1}, new float[] {30, 10}, 4)));
    write(pb.resolve("float64_int32.pb"), List.of(Record.newBuilder()
        .putFeatures("values", Value.newBuilder().setFloat64Tensor(
            Float64Tensor.newBuilder().addValues(0.25).addValues(1e3)).build())
        .putLabel("values", Value.newBuilder().setInt32Tensor(Int32Tensor.newBuilder().addValues(7)).build())
        .build()));
    write(pb.resolve("key_outside_shape.pb"), List.of(
        sparse(1, new long[] {1}, new float[] {1}, 3),
        sparse(1, new long[] {3}, new float[] {1}, 3)));
    write(pb.resolve("no_label.pb"), List.of(Record.newBuilder()
        .putFeatures("values", value(Float32Tensor.newBuilder().addValues(1))).build()));
    Files.write(pb.resolve("not_protobuf.pb"), RecordIoFrames.frame(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}));
    write(pb.resolve("infinite_feature.pb"), List.of(
        dense(1, 1f, 2f),
        sparse(0, new long[] {3, 0}, new float[] {Float.POSITIVE_INFINITY, 1}, 5)));

    MessageType numeric = MessageTypeParser.parseMessageType("message row { required double label; "
        + "optional int32 a; optional int64 b; optional float c; optional double d; optional boolean e; }");
    try (ParquetWriter<Group> w = writer(pq.resolve("types_nulls.parquet"), numeric, CompressionCodecName.UNCOMPRESSED, 1 << 20)) {
      SimpleGroupFactory f = new SimpleGroupFactory(numeric);
      w.write(f.newGroup().append("label", 1.0).append("a", 1).append("b", 2L).append("c", 3f).append("d", 4.0).append("e", true));
      w.write(f.newGroup().append("label", 0.0).append("e", false));
      w.write(f.newGroup().append("label", 1.0).append("a", -5).append("d", 0.5));
    }
    MessageType small = MessageTypeParser.parseMessageType("message row { required float label; required double x; }");
    try (ParquetWriter<Group> w = writer(pq.resolve("row_groups.parquet"), small, CompressionCodecName.GZIP, 256)) {
      SimpleGroupFactory f = new SimpleGroupFactory(small);
      for (int i = 0; i < 500; i++) {
        w.write(f.newGroup().append("label", (float) (i % 2)).append("x", (double) i));
      }
    }
    // Dictionary pages, many small data pages per chunk and, in 'wide', a dictionary that overflows
    // part-way through a chunk, so that plain pages follow dictionary-encoded ones; Snappy.
    MessageType dictionary = MessageTypeParser.parseMessageType("message row { required float label; "
        + "required float level; required double wide; optional int32 sparse; }");
    Files.deleteIfExists(pq.resolve("dictionary_pages.parquet"));
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(pq.resolve("dictionary_pages.parquet")))
        .withConf(new Configuration(false))
        .withType(dictionary)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withRowGroupSize(32 << 10)
        .withPageSize(64)
        .withPageRowCountLimit(50)
        .withDictionaryEncoding(true)
        .withDictionaryPageSize(4096)
        .build()) {
      SimpleGroupFactory f = new SimpleGroupFactory(dictionary);
      for (int i = 0; i < 6000; i++) {
        Group g = f.newGroup().append("label", (float) (i % 2)).append("level", (float) (i % 7))
            .append("wide", (i / 5) * 0.5);
        if (i % 3 != 0) {
          g.append("sparse", i % 11);
        }
        w.write(g);
      }
    }
    MessageType text = MessageTypeParser.parseMessageType("message row { required double label; required binary city (STRING); }");
    try (ParquetWriter<Group> w = writer(pq.resolve("string_column.parquet"), text, CompressionCodecName.UNCOMPRESSED, 1 << 20)) {
      w.write(new SimpleGroupFactory(text).newGroup().append("label", 1.0).append("city", "Lyon"));
    }
    // pandas / pyarrow / Dask record a DataFrame's index as columns named in the 'pandas' metadata:
    // the default index after the data, and a named string index (set_index('city')) first
    MessageType defaultIndex = MessageTypeParser.parseMessageType("message schema { optional double label; "
        + "optional double x; optional int32 y; optional int64 __index_level_0__; }");
    try (ParquetWriter<Group> w = writer(pq.resolve("pandas_index.parquet"), defaultIndex, CompressionCodecName.SNAPPY,
        1 << 20, Map.of("pandas", pandasMetadata(List.of("__index_level_0__"),
            List.of("label", "x", "y", "__index_level_0__"), List.of("float64", "float64", "int32", "int64"))))) {
      SimpleGroupFactory f = new SimpleGroupFactory(defaultIndex);
      for (int i = 0; i < 4; i++) {
        w.write(f.newGroup().append("label", (double) (i % 2)).append("x", i * 1.5).append("y", 10 - i)
            .append("__index_level_0__", 100L + i));
      }
    }
    MessageType namedIndex = MessageTypeParser.parseMessageType("message schema { optional binary city (STRING); "
        + "optional double price; optional double area; optional int64 rooms; }");
    try (ParquetWriter<Group> w = writer(pq.resolve("pandas_named_index.parquet"), namedIndex, CompressionCodecName.SNAPPY,
        1 << 20, Map.of("pandas", pandasMetadata(List.of("city"), List.of("city", "price", "area", "rooms"),
            List.of("unicode", "float64", "float64", "int64"))))) {
      SimpleGroupFactory f = new SimpleGroupFactory(namedIndex);
      String[] cities = {"Lyon", "Lille", "Nantes", "Brest", "Dijon", "Nice", "Metz", "Caen"};
      for (int i = 0; i < 200; i++) {
        double area = 20 + (i * 37) % 130;
        long rooms = 1 + (i * 7) % 5;
        w.write(f.newGroup().append("city", cities[i % cities.length]).append("price", 3.1 * area + 12 * rooms)
            .append("area", area).append("rooms", rooms));
      }
    }
    // infinities: a float column's -Infinity, and a double beyond float32's range
    MessageType floats = MessageTypeParser.parseMessageType("message row { required double label; required float f; "
        + "optional double d; }");
    try (ParquetWriter<Group> w = writer(pq.resolve("infinite_float.parquet"), floats, CompressionCodecName.UNCOMPRESSED, 1 << 20)) {
      SimpleGroupFactory f = new SimpleGroupFactory(floats);
      w.write(f.newGroup().append("label", 1.0).append("f", 0.5f).append("d", 2.0));
      w.write(f.newGroup().append("label", 0.0).append("f", Float.NEGATIVE_INFINITY));
    }
    try (ParquetWriter<Group> w = writer(pq.resolve("double_beyond_float.parquet"), floats, CompressionCodecName.UNCOMPRESSED, 1 << 20)) {
      SimpleGroupFactory f = new SimpleGroupFactory(floats);
      w.write(f.newGroup().append("label", 1.0).append("f", 0.5f).append("d", 3.4028234e38));
      w.write(f.newGroup().append("label", 0.0).append("f", 1.5f));
      w.write(f.newGroup().append("label", 1.0).append("f", 2.5f).append("d", 1e300));
    }
    // a file with its schema and no rows, as Spark writes for an empty partition; its columns are
    // named unlike row_groups.parquet's, which holds the same types
    MessageType noRows = MessageTypeParser.parseMessageType("message row { required float target; required double y; }");
    writer(pq.resolve("no_rows.parquet"), noRows, CompressionCodecName.SNAPPY, 1 << 20).close();
    MessageType nullableLabel = MessageTypeParser.parseMessageType("message row { optional double label; required double x; }");
    try (ParquetWriter<Group> w = writer(pq.resolve("null_label.parquet"), nullableLabel, CompressionCodecName.UNCOMPRESSED, 1 << 20)) {
      SimpleGroupFactory f = new SimpleGroupFactory(nullableLabel);
      w.write(f.newGroup().append("label", 1.0).append("x", 1.0));
      w.write(f.newGroup().append("x", 2.0));
    }
  }

  private static ParquetWriter<Group> writer(Path file, MessageType schema, CompressionCodecName codec, int rowGroupBytes)
      throws IOException {
    return writer(file, schema, codec, rowGroupBytes, Map.of());
  }

  private static ParquetWriter<Group> writer(Path file, MessageType schema, CompressionCodecName codec, int rowGroupBytes,
      Map<String, String> keyValues) throws IOException {
    Files.deleteIfExists(file);
    return ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new Configuration(false))
        .withExtraMetaData(keyValues)
        .withType(schema)
        .withCompressionCodec(codec)
        .withRowGroupSize(rowGroupBytes)
        .withPageSize(128)
        .withDictionaryEncoding(false)
        .build();
  }

  /** The 'pandas' metadata as pyarrow writes it for a DataFrame (pandas' storage format for Parquet). */
  private static String pandasMetadata(List<String> index, List<String> columns, List<String> types) {
    StringBuilder json = new StringBuilder("{\"index_columns\": [");
    json.append(String.join(", ", index.stream().map(n -> "\"" + n + "\"").toList()));
    json.append("], \"column_indexes\": [{\"name\": null, \"field_name\": null, \"pandas_type\": \"unicode\", "
        + "\"numpy_type\": \"object\", \"metadata\": {\"encoding\": \"UTF-8\"}}], \"columns\": [");
    for (int i = 0; i < columns.size(); i++) {
      String name = columns.get(i);
      String type = types.get(i);
      json.append(i == 0 ? "" : ", ").append("{\"name\": ")
          .append(name.startsWith("__index_level_") ? "null" : "\"" + name + "\"")
          .append(", \"field_name\": \"").append(name).append("\", \"pandas_type\": \"").append(type)
          .append("\", \"numpy_type\": \"").append(type.equals("unicode") ? "object" : type)
          .append("\", \"metadata\": null}");
    }
    return json.append("], \"creator\": {\"library\": \"pyarrow\", \"version\": \"15.0.2\"}, "
        + "\"pandas_version\": \"2.2.1\"}").toString();
  }

  private static Value value(Float32Tensor.Builder t) {
    return Value.newBuilder().setFloat32Tensor(t).build();
  }

  static Record dense(float label, float... values) {
    Float32Tensor.Builder t = Float32Tensor.newBuilder();
    for (float v : values) {
      t.addValues(v);
    }
    return Record.newBuilder().putFeatures("values", value(t))
        .putLabel("values", value(Float32Tensor.newBuilder().addValues(label))).build();
  }

  static Record sparse(float label, long[] keys, float[] values, long width) {
    Float32Tensor.Builder t = Float32Tensor.newBuilder().addShape(width);
    for (int i = 0; i < keys.length; i++) {
      t.addKeys(keys[i]).addValues(values[i]);
    }
    return Record.newBuilder().putFeatures("values", value(t))
        .putLabel("values", value(Float32Tensor.newBuilder().addValues(label))).build();
  }

  static void write(Path file, List<Record> records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Record r : records) {
      out.write(RecordIoFrames.frame(r.toByteArray()));
    }
    Files.write(file, out.toByteArray());
  }
}
