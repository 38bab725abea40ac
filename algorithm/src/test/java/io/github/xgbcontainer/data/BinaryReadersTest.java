package io.github.xgbcontainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.LogCapture;
import io.github.xgbcontainer.channel.FolderChannel;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.data.parquet.ParquetReader;
import io.github.xgbcontainer.data.recordio.ProtobufRecordReader;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Parquet and RecordIO-protobuf readers on the fixtures made by {@code fixtures/make-fixtures.sh}. */
class BinaryReadersTest {

  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

  @TempDir Path dir;

  private ChannelData read(String fixture) throws IOException {
    return read(fixture, 1);
  }

  /** Reads one fixture; Parquet decodes with {@code threads} threads. */
  private ChannelData read(String fixture, int threads) throws IOException {
    Path train = Files.createDirectories(dir.resolve("train-" + threads));
    Path source = FIXTURES.resolve(fixture);
    Files.copy(source, train.resolve(source.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    ContentType type = fixture.endsWith(".parquet") ? ContentType.PARQUET : ContentType.RECORDIO_PROTOBUF;
    RecordReader records = type == ContentType.PARQUET ? new ParquetReader(dir.resolve("spool"), threads)
        : new ProtobufRecordReader();
    return new ChannelReader(type, records).read(FolderChannel.list("train", train, InputMode.FILE));
  }

  private String fails(String fixture) {
    return assertThrows(UserError.class, () -> read(fixture)).getMessage();
  }

  /** Every row as a dense array of its features, NaN for missing, whatever the batch layout. */
  private static List<float[]> rows(ChannelData data) {
    List<float[]> out = new ArrayList<>();
    for (Batch b : data.batches()) {
      for (int r = 0; r < b.rows(); r++) {
        float[] row = new float[data.features()];
        java.util.Arrays.fill(row, Float.NaN);
        if (b.isDense()) {
          for (int c = 0; c < b.columns(); c++) {
            row[c] = b.values().get(r * b.columns() + c);
          }
        } else {
          for (long k = b.indptr().get(r); k < b.indptr().get(r + 1); k++) {
            row[b.indices().get((int) k)] = b.values().get((int) k);
          }
        }
        out.add(row);
      }
    }
    return out;
  }

  private static float[] labels(ChannelData data) {
    List<Float> out = new ArrayList<>();
    for (Batch b : data.batches()) {
      for (int i = 0; i < b.rows(); i++) {
        out.add(b.labels().get(i));
      }
    }
    float[] a = new float[out.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = out.get(i);
    }
    return a;
  }

  private static final float N = Float.NaN;

  @Test
  void protobuf_sparseValuesInEveryCorner() throws IOException {
    try (ChannelData data = read("recordio/sparse_corners.pb")) {
      assertEquals(5, data.features());
      assertFalse(data.batches().get(0).isDense());
      assertArrayEquals(new float[] {1, 0, 1, 0}, labels(data));
      List<float[]> rows = rows(data);
      assertArrayEquals(new float[] {1.5f, N, N, N, N}, rows.get(0));
      assertArrayEquals(new float[] {N, N, N, N, -2}, rows.get(1));
      assertArrayEquals(new float[] {3, N, N, N, 4}, rows.get(2));
      assertArrayEquals(new float[] {N, N, N, N, N}, rows.get(3));
    }
  }

  @Test
  void protobuf_denseRowsCostNoHeapPerRow() throws IOException {
    // A channel of a million rows must not leave a million rows' garbage in the young generation:
    // G1 grows it to the garbage's size, and those pages stay resident for the rest of the job.
    // What a row costs is what twice the rows cost more, so the reader's fixed costs (its arrays
    // growing to a batch) drop out; protobuf-java's decoder of one record (CodedInputStream, 64
    // bytes, which cannot be reset to the next record) is what is left.
    int rows = 70_000; // more than a batch, so both reads grow their arrays alike
    Path once = writeDenseRows(dir.resolve("once"), rows, 3);
    Path twice = writeDenseRows(dir.resolve("twice"), 2 * rows, 4);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
        .getThreadMXBean();
    ChannelReader reader = new ChannelReader(ContentType.RECORDIO_PROTOBUF, new ProtobufRecordReader());
    long[] allocated = new long[2];
    for (int pass = 0; pass < 2; pass++) { // the first pass warms up
      for (int i = 0; i < 2; i++) {
        long before = threads.getCurrentThreadAllocatedBytes();
        try (ChannelData data = reader.read(FolderChannel.list("train", i == 0 ? once : twice, InputMode.FILE))) {
          allocated[i] = threads.getCurrentThreadAllocatedBytes() - before;
          assertEquals((i + 1L) * rows, data.rows());
          assertEquals(10, data.features());
        }
      }
    }
    long perRow = (allocated[1] - allocated[0]) / rows;
    assertTrue(perRow < 100, perRow + " bytes of heap a row");
  }

  private static Path writeDenseRows(Path folder, int rows, long seed) throws IOException {
    List<io.github.xgbcontainer.data.recordio.proto.RecordProtos.Record> records = new ArrayList<>(rows);
    java.util.Random random = new java.util.Random(seed);
    for (int i = 0; i < rows; i++) {
      float[] values = new float[10];
      for (int j = 0; j < values.length; j++) {
        values[j] = random.nextFloat();
      }
      records.add(Fixtures.dense(i % 2, values));
    }
    Files.createDirectories(folder);
    Fixtures.write(folder.resolve("rows.pb"), records);
    return folder;
  }

  @Test
  void protobuf_singleFeatureIsDense() throws IOException {
    try (ChannelData data = read("recordio/single_feature.pb")) {
      assertEquals(1, data.features());
      assertTrue(data.batches().get(0).isDense());
      assertArrayEquals(new float[] {0, 1, 0}, labels(data));
      assertArrayEquals(new float[] {3}, rows(data).get(2));
    }
  }

  @Test
  void protobuf_denseWrittenAsSparse() throws IOException {
    try (ChannelData data = read("recordio/dense_as_sparse.pb")) {
      assertEquals(3, data.features());
      assertArrayEquals(new float[] {4, 5, 6}, rows(data).get(1));
    }
  }

  @Test
  void protobuf_recordsWithDifferentSparseWidths_takeTheWidest() throws IOException {
    try (ChannelData data = read("recordio/sparse_widths.pb")) {
      assertEquals(7, data.features());
      assertArrayEquals(new float[] {N, N, 1, N, N, N, N}, rows(data).get(0));
      assertArrayEquals(new float[] {N, N, N, N, N, N, 2}, rows(data).get(1));
    }
  }

  @Test
  void protobuf_denseThenSparse_becomesOneCsrChannel() throws IOException {
    try (ChannelData data = read("recordio/dense_then_sparse.pb")) {
      assertTrue(data.batches().stream().noneMatch(Batch::isDense));
      assertArrayEquals(new float[] {1, 2, 3}, rows(data).get(0));
      assertArrayEquals(new float[] {N, 5, N}, rows(data).get(1));
    }
  }

  @Test
  void protobuf_unsortedKeysAreSorted() throws IOException {
    try (ChannelData data = read("recordio/unsorted_keys.pb")) {
      assertArrayEquals(new float[] {N, 10, N, 30}, rows(data).get(0));
      assertEquals(1, data.batches().get(0).indices().get(0));
    }
  }

  @Test
  void protobuf_float64FeaturesAndInt32Label() throws IOException {
    try (ChannelData data = read("recordio/float64_int32.pb")) {
      assertArrayEquals(new float[] {7}, labels(data));
      assertArrayEquals(new float[] {0.25f, 1000}, rows(data).get(0));
    }
  }

  @Test
  void protobuf_keyOutsideShape_namesRecordAndOffset() {
    assertEquals("channel 'train', file 'key_outside_shape.pb', record 2 (byte offset 56): feature key 3 is "
        + "outside the shape [3] (keys are 0-based column indices below the width)", fails("recordio/key_outside_shape.pb"));
  }

  @Test
  void protobuf_missingLabel() {
    assertEquals("channel 'train', file 'no_label.pb', record 1 (byte offset 0): has no label tensor named "
        + "'values'; SageMaker's RecordIO-protobuf keeps a row's label under the key 'values'", fails("recordio/no_label.pb"));
  }

  @Test
  void protobuf_notAProtobuf() {
    assertEquals("channel 'train', file 'not_protobuf.pb', record 1 (byte offset 0): not a SageMaker Record "
        + "protobuf (Protocol message tag had invalid wire type.); perhaps you should check the channel's ContentType", fails("recordio/not_protobuf.pb"));
  }

  @Test
  void protobuf_badMagic_namesOffset() throws IOException {
    Path train = Files.createDirectories(dir.resolve("train"));
    byte[] good = Files.readAllBytes(FIXTURES.resolve("recordio/single_feature.pb"));
    good[48] = 0;
    Files.write(train.resolve("bad.pb"), good);
    UserError e = assertThrows(UserError.class, () -> new ChannelReader(ContentType.RECORDIO_PROTOBUF,
        new ProtobufRecordReader()).read(FolderChannel.list("train", train, InputMode.FILE)));
    assertEquals("channel 'train', file 'bad.pb', byte offset 48: not a RecordIO frame: magic is 0xCED72300, "
        + "expected 0xCED7230A; is the channel's RecordWrapperType or ContentType right?", e.getMessage());
  }

  @Test
  void parquet_allNumericTypesAndNullsAsMissing() throws IOException {
    try (ChannelData data = read("parquet/types_nulls.parquet")) {
      assertEquals(5, data.features());
      assertArrayEquals(new float[] {1, 0, 1}, labels(data));
      List<float[]> rows = rows(data);
      assertArrayEquals(new float[] {1, 2, 3, 4, 1}, rows.get(0));
      assertArrayEquals(new float[] {N, N, N, N, 0}, rows.get(1));
      assertArrayEquals(new float[] {-5, N, N, 0.5f, N}, rows.get(2));
    }
  }

  @Test
  void parquet_manyRowGroupsGzip_keepOrder() throws IOException {
    try (ChannelData data = read("parquet/row_groups.parquet")) {
      assertTrue(data.batches().size() > 1, "row groups: " + data.batches().size());
      assertEquals(500, data.rows());
      List<float[]> rows = rows(data);
      for (int i = 0; i < 500; i++) {
        assertEquals(i, rows.get(i)[0]);
      }
    }
  }

  @Test
  void parquet_dictionaryAndManyPagesPerChunk_everyValueIntact() throws IOException {
    // The reader reuses one page buffer and recycles chunk buffers; a page read too early or kept
    // too long would show here as wrong values.
    try (ChannelData data = read("parquet/dictionary_pages.parquet")) {
      assertEquals(6000, data.rows());
      List<float[]> rows = rows(data);
      for (int i = 0; i < 6000; i++) {
        float[] row = rows.get(i);
        assertArrayEquals(new float[] {i % 7, (float) ((i / 5) * 0.5), i % 3 == 0 ? Float.NaN : i % 11}, row, "row " + i);
      }
      float[] labels = new float[6000];
      int at = 0;
      for (Batch b : data.batches()) {
        b.labels().get(labels, at, b.rows());
        at += b.rows();
      }
      for (int i = 0; i < 6000; i++) {
        assertEquals(i % 2, labels[i], "label of row " + i);
      }
    }
  }

  @Test
  void parquet_severalDecodingThreads_readTheSameRowsAndLabels() throws IOException {
    for (String fixture : List.of("parquet/dictionary_pages.parquet", "parquet/types_nulls.parquet",
        "parquet/row_groups.parquet")) {
      try (ChannelData one = read(fixture, 1); ChannelData three = read(fixture, 3)) {
        assertEquals(one.rows(), three.rows(), fixture);
        assertEquals(one.features(), three.features(), fixture);
        List<float[]> expected = rows(one);
        List<float[]> actual = rows(three);
        for (int i = 0; i < expected.size(); i++) {
          assertArrayEquals(expected.get(i), actual.get(i), fixture + " row " + i);
        }
        assertEquals(one.batches().size(), three.batches().size(), fixture);
        for (int b = 0; b < one.batches().size(); b++) {
          assertEquals(one.batches().get(b).labels(), three.batches().get(b).labels(), fixture + " labels of batch " + b);
          assertEquals(one.batches().get(b).nonMissing(), three.batches().get(b).nonMissing(), fixture + " batch " + b);
        }
      }
    }
  }

  @Test
  void parquet_severalDecodingThreads_nullLabelStillNamesRow() {
    assertEquals("channel 'train', file 'null_label.parquet', row 2: the label (column 'label') is null; every "
        + "row needs a label", assertThrows(UserError.class, () -> read("parquet/null_label.parquet", 3)).getMessage());
  }

  @Test
  void parquet_stringColumn_namesFileAndColumn() {
    assertEquals("channel 'train', file 'string_column.parquet': column 'city' is binary (STRING), not a number; "
        + "only int32, int64, float, double and boolean columns can be read, perhaps you should encode it as "
        + "numbers or drop it", fails("parquet/string_column.parquet"));
  }

  private static final String FINITE_ONLY = "; XGBoost trains only on finite feature values, perhaps you should ";

  /** XGBoost would refuse these only when it builds the matrix, without naming the row. */
  @Test
  void parquet_infiniteFeature_namesFileRowAndColumn() {
    assertEquals("channel 'train', file 'infinite_float.parquet', row 2: the value -Infinity in column 'f' is infinite"
        + FINITE_ONLY + "write a null for a missing value or a finite number", fails("parquet/infinite_float.parquet"));
    assertEquals("channel 'train', file 'double_beyond_float.parquet', row 3: the value 1.0E300 in column 'd' is infinite as "
        + "a float32 (beyond ±3.4028235E38)" + FINITE_ONLY + "write a null for a missing value or a finite number",
        assertThrows(UserError.class, () -> read("parquet/double_beyond_float.parquet", 3)).getMessage());
  }

  @Test
  void protobuf_infiniteFeature_namesRecordAndKey() {
    assertEquals("channel 'train', file 'infinite_feature.pb', record 2 (byte offset 52): feature 3 (0-based) of the "
        + "features tensor is infinite" + FINITE_ONLY + "write NaN (in a sparse tensor: leave the key out) for a missing "
        + "value, or a finite number (a float64 beyond ±3.4028235E38 is infinite as a float32)",
        fails("recordio/infinite_feature.pb"));
  }

  /** Spark's file for an empty partition adds no rows and, as an empty text file, nothing else either. */
  @Test
  void parquet_fileWithoutRows_addsNothingAsAnEmptyFile() throws IOException {
    Path train = Files.createDirectories(dir.resolve("parts"));
    Files.copy(FIXTURES.resolve("parquet/no_rows.parquet"), train.resolve("part-00000.parquet"));
    Files.copy(FIXTURES.resolve("parquet/row_groups.parquet"), train.resolve("part-00001.parquet"));
    ChannelReader reader = new ChannelReader(ContentType.PARQUET, new ParquetReader(dir.resolve("spool")));
    try (LogCapture log = new LogCapture(ParquetReader.class);
         ChannelData data = reader.read(FolderChannel.list("train", train, InputMode.FILE))) {
      assertEquals(500, data.rows());
      assertEquals(List.of("x"), data.featureNames(), "the empty file's columns do not count");
      assertEquals(List.of(), log.at(java.util.logging.Level.WARNING));
    }
    Files.delete(train.resolve("part-00001.parquet"));
    assertEquals("channel 'train' is empty: its 1 file(s) (part-00000.parquet) hold no rows",
        assertThrows(UserError.class, () -> new ChannelReader(ContentType.PARQUET, new ParquetReader(dir.resolve("spool")))
            .read(FolderChannel.list("train", train, InputMode.FILE))).getMessage());
  }

  @Test
  void parquet_nullLabel_namesRow() {
    assertEquals("channel 'train', file 'null_label.parquet', row 2: the label (column 'label') is null; every "
        + "row needs a label", fails("parquet/null_label.parquet"));
  }

  @Test
  void parquet_twoFilesBackToBackThroughAPipe_areSpooledAndSplit() throws Exception {
    byte[] one = Files.readAllBytes(FIXTURES.resolve("parquet/types_nulls.parquet"));
    byte[] two = Files.readAllBytes(FIXTURES.resolve("parquet/row_groups.parquet"));
    Path fifo = dir.resolve("train_0");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Thread writer = new Thread(() -> {
      try (var out = Files.newOutputStream(fifo)) {
        out.write(one);
        Thread.sleep(20);
        out.write(two);
      } catch (IOException | InterruptedException e) {
        throw new RuntimeException(e);
      }
    });
    writer.start();
    var source = new io.github.xgbcontainer.channel.PipeChannel("train", fifo, java.time.Duration.ofSeconds(10),
        java.time.Duration.ofSeconds(10));
    try (ChannelData data = new ChannelReader(ContentType.PARQUET, new ParquetReader(dir.resolve("spool"))).read(source)) {
      assertEquals(503, data.rows());
      assertEquals(5, data.features());
    }
    writer.join();
    try (var left = Files.list(dir.resolve("spool"))) {
      assertEquals(0, left.count(), "the spooled copy is deleted");
    }
  }
  @Test
  void parquet_pandasDefaultIndexIsDroppedAndColumnsNameTheFeatures() throws IOException {
    try (LogCapture log = new LogCapture(ParquetReader.class); ChannelData data = read("parquet/pandas_index.parquet", 2)) {
      assertEquals(4, data.rows());
      assertEquals(2, data.features());
      assertEquals(List.of("x", "y"), data.featureNames());
      assertArrayEquals(new float[] {0, 1, 0, 1}, labels(data));
      assertArrayEquals(new float[] {1.5f, 9}, rows(data).get(1));
      assertEquals(List.of("channel 'train', file 'pandas_index.parquet': column '__index_level_0__' is the pandas "
          + "index (named in the file's pandas metadata), not a feature: dropped, as pandas reads it"),
          log.at(java.util.logging.Level.INFO).stream().filter(m -> m.contains("pandas")).toList());
    }
  }

  @Test
  void parquet_pandasNamedStringIndexIsDroppedBeforeTheLabel() throws IOException {
    // the index is a string column and comes first: without the metadata it would be the label, and refused
    try (ChannelData data = read("parquet/pandas_named_index.parquet")) {
      assertEquals(200, data.rows());
      assertEquals(List.of("area", "rooms"), data.featureNames());
      assertEquals(3.1f * 20 + 12, labels(data)[0], 1e-4);
      assertArrayEquals(new float[] {20, 1}, rows(data).get(0));
    }
  }

  @Test
  void parquet_daskIndexOfTheOfficialSampleIsDroppedOnceLogged() throws IOException {
    Path train = Files.createDirectories(dir.resolve("dask"));
    Path sample = Path.of(System.getProperty("anchor.data", "../../shared/anchor-data")).resolve("data/parquet/multiple_files");
    for (String name : List.of("train_0.parquet", "train_1.parquet")) {
      Files.copy(sample.resolve(name), train.resolve(name));
    }
    try (LogCapture log = new LogCapture(ParquetReader.class);
         ChannelData data = new ChannelReader(ContentType.PARQUET, new ParquetReader(dir.resolve("spool")))
             .read(FolderChannel.list("train", train, InputMode.FILE))) {
      assertEquals(10, data.rows());
      assertEquals(5, data.features());
      assertEquals(List.of("1", "2", "3", "4", "5"), data.featureNames());
      assertEquals(List.of("channel 'train', file 'train_0.parquet': column '__null_dask_index__' is the pandas index "
          + "(named in the file's pandas metadata), not a feature: dropped, as pandas reads it"),
          log.at(java.util.logging.Level.INFO).stream().filter(m -> m.contains("pandas")).toList());
    }
  }

  @Test
  void parquet_withoutPandasMetadataKeepsEveryColumnAndItsName() throws IOException {
    try (ChannelData data = read("parquet/types_nulls.parquet")) {
      assertEquals(List.of("a", "b", "c", "d", "e"), data.featureNames());
    }
  }
}
