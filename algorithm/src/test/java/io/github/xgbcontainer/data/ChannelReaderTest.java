package io.github.xgbcontainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.LogCapture;
import io.github.xgbcontainer.channel.FolderChannel;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChannelReaderTest {

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve("train").resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  private ChannelData read(ContentType type, boolean weights) {
    return read(type, weights, ChannelReader.DEFAULT_BLOCK_BYTES);
  }

  private ChannelData read(ContentType type, boolean weights, int blockBytes) {
    return new ChannelReader(type, weights, 2, blockBytes).read(FolderChannel.list("train", dir.resolve("train"), InputMode.FILE));
  }

  private UserError readFails(ContentType type, boolean weights) {
    return assertThrows(UserError.class, () -> read(type, weights));
  }

  private static float[] labels(ChannelData data) {
    List<Float> out = new ArrayList<>();
    for (Batch b : data.batches()) {
      for (int i = 0; i < b.rows(); i++) {
        out.add(b.labels().get(i));
      }
    }
    float[] arr = new float[out.size()];
    for (int i = 0; i < arr.length; i++) {
      arr[i] = out.get(i);
    }
    return arr;
  }

  @Test
  void blocksInFlight_twoPerThread_boundedByAThirdOfTheHeap_atLeastOne() {
    int block = 4 << 20;
    assertEquals(4, ChannelReader.blocksInFlight(2, block, 1L << 30));
    assertEquals(32, ChannelReader.blocksInFlight(16, block, 4L << 30));
    assertEquals(2, ChannelReader.blocksInFlight(16, block, 31L << 20)); // -Xmx32m on 16 cores
    assertEquals(1, ChannelReader.blocksInFlight(16, block, 8L << 20));
  }

  @Test
  void csv_readsLabelFirstAndEmptyFieldsAsMissing() throws IOException {
    write("a.csv", "1,2.5,,3\r\n0,1e-3,4,\n\n");
    try (ChannelData data = read(ContentType.CSV, false)) {
      assertEquals(2, data.rows());
      assertEquals(3, data.features());
      Batch b = data.batches().get(0);
      assertTrue(b.isDense());
      assertFalse(b.hasWeights());
      assertArrayEquals(new float[] {1, 0}, labels(data));
      float[] values = new float[6];
      b.values().get(values);
      assertArrayEquals(new float[] {2.5f, Float.NaN, 3, 0.001f, 4, Float.NaN}, values);
      assertEquals(4, b.nonMissing());
    }
  }

  @Test
  void csv_weightsComeFromColumnTwo() throws IOException {
    write("a.csv", "0,0.2,1,0\n1,0.5,0,1");
    try (ChannelData data = read(ContentType.CSV, true)) {
      Batch b = data.batches().get(0);
      assertEquals(2, data.features());
      assertEquals(0.2f, b.weights().get(0));
      assertEquals(0.5f, b.weights().get(1));
      assertEquals(1f, b.values().get(0));
    }
  }

  @Test
  void csv_manyBlocksKeepOrderAndLineNumbers() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      text.append(i).append(',').append(i * 2).append(",1\n");
    }
    text.append("5000,x,1\n");
    write("a.csv", text.toString());
    UserError e = assertThrows(UserError.class, () -> read(ContentType.CSV, false, 4096));
    assertEquals("channel 'train', file 'a.csv', line 5001, column 2: 'x' is not a number "
        + "(leave the field empty for a missing value)", e.getMessage());
    write("a.csv", text.substring(0, text.length() - "5000,x,1\n".length()));
    try (ChannelData data = read(ContentType.CSV, false, 4096)) {
      assertTrue(data.batches().size() > 5, "several blocks");
      float[] labels = labels(data);
      assertEquals(5000, labels.length);
      for (int i = 0; i < labels.length; i++) {
        assertEquals(i, labels[i]);
      }
    }
  }

  @Test
  void csv_rejectsHeader() throws IOException {
    write("a.csv", "rings,sex,length\n1,2,3\n");
    assertEquals("channel 'train', file 'a.csv', line 1: 'rings,sex,length' looks like a header: remove it "
        + "(CSV input has no header row; the label is the first column)", readFails(ContentType.CSV, false).getMessage());
  }

  @Test
  void csv_rejectsRaggedRow() throws IOException {
    write("a.csv", "1,2,3\n1,2\n");
    assertEquals("channel 'train', file 'a.csv', line 2: expected 3 columns, found 2 "
        + "(every row needs the same columns as the first row)", readFails(ContentType.CSV, false).getMessage());
    write("a.csv", "1,2,3\n1,2,3,4\n");
    assertEquals("channel 'train', file 'a.csv', line 2: expected 3 columns, found 4 "
        + "(every row needs the same columns as the first row)", readFails(ContentType.CSV, false).getMessage());
  }

  @Test
  void csv_rejectsFilesOfDifferentWidth() throws IOException {
    write("a.csv", "1,2,3\n");
    write("b.csv", "1,2\n");
    assertEquals("channel 'train', file 'b.csv', line 1: expected 3 columns, found 2 "
        + "(every row needs the same columns as the first row)", readFails(ContentType.CSV, false).getMessage());
  }

  @Test
  void csv_rejectsMissingLabel() throws IOException {
    write("a.csv", "1,2\n,3\n");
    assertEquals("channel 'train', file 'a.csv', line 2, column 1: the label is missing; every row needs a label "
        + "in column 1", readFails(ContentType.CSV, false).getMessage());
  }

  @Test
  void csv_rejectsSingleColumn() throws IOException {
    write("a.csv", "1\n2\n");
    assertEquals("channel 'train', file 'a.csv': rows have 1 column(s) but need at least 2 (label and one feature); "
        + "no delimiter (comma, tab, ';', '|', space or ':') found on the first line, perhaps you should check the "
        + "channel's ContentType", readFails(ContentType.CSV, false).getMessage());
  }

  @Test
  void csv_rejectsTooFewColumnsForWeights() throws IOException {
    write("a.csv", "1;2\n");
    assertEquals("channel 'train', file 'a.csv': rows have 2 column(s) but need at least 3 (label, weight and one "
        + "feature); fields split at ';', perhaps you should check csv_weights and the channel's ContentType",
        readFails(ContentType.CSV, true).getMessage());
  }

  /** The same three rows in every dialect the official image's sniffer finds, and quoted. */
  static Stream<Arguments> csvDialects() {
    return Stream.of(
        Arguments.of("tab", "1\t2.5\t\t3\n0\t1e-3\t4\t\n2\t-1\t0.5\t7\n"),
        Arguments.of("semicolon", "1;2.5;;3\n0;1e-3;4;\n2;-1;0.5;7\n"),
        Arguments.of("pipe with decimals", "1|2.5||3\n0|1e-3|4|\n2|-1|0.5|7\n"),
        Arguments.of("pipe with spaces", "1 | 2.5 | | 3\n0 | 1e-3 | 4 |\n2 | -1 | 0.5 | 7\n"),
        Arguments.of("space", "1 2.5  3\n0 1e-3 4 \n2 -1 0.5 7\n"),
        Arguments.of("colon", "1:2.5::3\n0:1e-3:4:\n2:-1:0.5:7\n"),
        Arguments.of("quoted numbers", "1,\"2.5\",,3\n0,1e-3,\"4\",\n2,-1,0.5,7\n"),
        Arguments.of("every field quoted", "\"1\",\"2.5\",\"\",\"3\"\r\n\"0\",\"1e-3\",\"4\",\"\"\r\n"
            + "\"2\",\"-1\",\"0.5\",\"7\"\r\n"),
        Arguments.of("quoted, semicolon, spaces", "\"1\"; \"2.5\";;3\n0;1e-3; \"4\" ;\n2;-1;0.5;7\n"),
        Arguments.of("quotes after plain blocks", "1,2.5,,3\n0,1e-3,4,\n2,-1,\"0.5\",7\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("csvDialects")
  void csv_dialectReadsAsTheCommaFile(String name, String text) throws IOException {
    write("a.csv", "1,2.5,,3\n0,1e-3,4,\n2,-1,0.5,7\n");
    float[] comma;
    try (ChannelData data = read(ContentType.CSV, false, 20)) {
      comma = values(data);
    }
    write("a.csv", text);
    try (ChannelData data = read(ContentType.CSV, false, 20)) {
      assertEquals(3, data.rows(), name);
      assertEquals(3, data.features(), name);
      assertArrayEquals(new float[] {1, 0, 2}, labels(data), name);
      assertArrayEquals(comma, values(data), name);
      assertArrayEquals(new float[] {2.5f, Float.NaN, 3, 0.001f, 4, Float.NaN, -1, 0.5f, 7}, comma);
    }
  }

  private static float[] values(ChannelData data) {
    List<Float> out = new ArrayList<>();
    for (Batch b : data.batches()) {
      for (int i = 0; i < b.rows() * b.columns(); i++) {
        out.add(b.values().get(i));
      }
    }
    float[] arr = new float[out.size()];
    for (int i = 0; i < arr.length; i++) {
      arr[i] = out.get(i);
    }
    return arr;
  }

  @Test
  void csv_plainNumericNeverReachesCommonsCsv() throws IOException {
    StringBuilder comma = new StringBuilder();
    StringBuilder tab = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      comma.append(i % 2).append(",").append(i * 0.5).append(",,").append(-i).append("\n");
      tab.append(i % 2).append("\t").append(i * 0.5).append("\t\t").append(-i).append("\n");
    }
    for (String text : List.of(comma.toString(), tab.toString())) {
      write("a.csv", text);
      try (LogCapture log = new LogCapture(ChannelReader.class); ChannelData data = read(ContentType.CSV, false, 4096)) {
        assertEquals(2000, data.rows());
        assertTrue(data.batches().size() > 1);
        assertEquals(List.of(), log.at(java.util.logging.Level.INFO).stream()
            .filter(m -> m.contains("commons-csv")).toList());
      }
      // and block by block: the plain path answers for every block
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      CsvParser parser = new CsvParser(CsvDialect.sniff(bytes, 0, text.indexOf('\n')), 4, true, false);
      try {
        BlockParser.ParsedBlock parsed = parser.parse(new TextBlock(bytes, bytes.length, true));
        assertFalse(parsed.quoted());
        assertEquals(2000, parsed.batch().rows());
        parsed.batch().close();
      } catch (DataFormatException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void csv_quotedBlocksAreCountedAndLogged() throws IOException {
    write("a.csv", "1,2\n0,3\n1,\"4\"\n");
    try (LogCapture log = new LogCapture(ChannelReader.class); ChannelData data = read(ContentType.CSV, false, 8)) {
      assertEquals(3, data.rows());
      assertEquals(List.of("channel 'train', file 'a.csv': CSV delimiter ',', 2 columns (from the first line)",
          "channel 'train', file 'a.csv': 1 of 2 block(s) had quoted fields and were read by commons-csv"),
          log.at(java.util.logging.Level.INFO).stream().filter(m -> m.contains("file 'a.csv'")).toList());
    }
  }

  @Test
  void csv_quotedErrorsNameLineAndColumn() throws IOException {
    write("a.csv", "1,\"2.5\",3\n1,\"x\",3\n");
    assertEquals("channel 'train', file 'a.csv', line 2, column 2: 'x' is not a number (leave the field empty for a "
        + "missing value)", readFails(ContentType.CSV, false).getMessage());
    write("a.csv", "1,\"2.5\",3\n1,\"2\n");
    assertEquals("channel 'train', file 'a.csv', line 2: '1,\"2' has a quoted field that does not end on this line; "
        + "perhaps you should close its quote", readFails(ContentType.CSV, false).getMessage());
    write("a.csv", "1;\"2.5\";3\n1;\"2;5\"\n");
    assertEquals("channel 'train', file 'a.csv', line 2: expected 3 columns, found 2 (every row needs the same "
        + "columns as the first row)", readFails(ContentType.CSV, false).getMessage());
    write("a.csv", "\"label\",\"a\"\n1,2\n");
    assertEquals("channel 'train', file 'a.csv', line 1: '\"label\",\"a\"' looks like a header: remove it (CSV input "
        + "has no header row; the label is the first column)", readFails(ContentType.CSV, false).getMessage());
  }

  @Test
  void csvDialect_sniffsLikePythonButNeverADigit() {
    assertEquals(',', sniff("1,2.5,3"));
    assertEquals('\t', sniff("1\t2.5\t3"));
    assertEquals(';', sniff("1;2.5;3"));
    // Python's csv.Sniffer answers '5' here, and ' ' for the next
    assertEquals('|', sniff("1.5|2.5|3.5"));
    assertEquals('|', sniff("1 | 2.5 | 3"));
    assertEquals(' ', sniff("1 2.5 3"));
    assertEquals(':', sniff("1:2:3"));
    assertEquals(',', sniff("1,\"2,5\",3"));
    // nothing splits into numbers: the first delimiter present, as Python's preference
    assertEquals(',', sniff("1\t2,5\t3"));
    assertEquals(',', sniff("label,a,b"));
    assertNull(CsvDialect.sniff("1.5".getBytes(StandardCharsets.UTF_8), 0, 3));
  }

  private static char sniff(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return (char) CsvDialect.sniff(b, 0, b.length).delimiter();
  }

  @Test
  void csv_rejectsNegativeWeight() throws IOException {
    write("a.csv", "1,-1,3\n");
    assertEquals("channel 'train', file 'a.csv', line 1, column 2: instance weight '-1' is not a finite non-negative number "
        + "(csv_weights=1 reads column 2 as the weight)", readFails(ContentType.CSV, true).getMessage());
  }

  private static final String FINITE_ONLY = "; XGBoost trains only on finite feature values, perhaps you should ";

  /** XGBoost would refuse these only when it builds the matrix, without naming the line. */
  @Test
  void csv_refusesInfiniteFeatures_namingFileLineAndColumn() throws IOException {
    write("a.csv", "1,2,3\n0,inf,3\n");
    assertEquals("channel 'train', file 'a.csv', line 2, column 2: the value 'inf' is infinite" + FINITE_ONLY
        + "leave the field empty for a missing value or write a finite number", readFails(ContentType.CSV, false).getMessage());
    write("a.csv", "1,2,3\n0,2, -Infinity \n");
    assertEquals("channel 'train', file 'a.csv', line 2, column 3: the value '-Infinity' is infinite" + FINITE_ONLY
        + "leave the field empty for a missing value or write a finite number", readFails(ContentType.CSV, false).getMessage());
    write("a.csv", "1,2,1e999\n");
    assertEquals("channel 'train', file 'a.csv', line 1, column 3: the value '1e999' is infinite as a float32 (beyond "
        + "±3.4028235E38)" + FINITE_ONLY + "leave the field empty for a missing value or write a finite number",
        readFails(ContentType.CSV, false).getMessage());
    write("a.csv", "1,\"2\",3\n0,\"INF\",3\n");
    assertEquals("channel 'train', file 'a.csv', line 2, column 2: the value 'INF' is infinite" + FINITE_ONLY
        + "leave the field empty for a missing value or write a finite number", readFails(ContentType.CSV, false).getMessage());
    write("a.csv", "1,0.5,3\n0,2,-3.5e39\n");
    assertEquals("channel 'train', file 'a.csv', line 2, column 3: the value '-3.5e39' is infinite as a float32 (beyond "
        + "±3.4028235E38)" + FINITE_ONLY + "leave the field empty for a missing value or write a finite number",
        readFails(ContentType.CSV, true).getMessage(), "with csv_weights=1, a feature after the weight");
  }

  @Test
  void csv_finiteExtremesAndNanStillRead() throws IOException {
    write("a.csv", "1,3.4028235e38,nan\n0,-3.4028235e38,\n");
    try (ChannelData data = read(ContentType.CSV, false)) {
      assertEquals(2, data.rows());
      assertEquals(2, data.batches().get(0).nonMissing(), "NaN and the empty field are missing, the extremes are not");
    }
  }

  @Test
  void libsvm_refusesInfiniteFeatures_namingFileLineAndToken() throws IOException {
    write("a.libsvm", "1 0:1 2:3\n0 0:1 2:inf\n");
    assertEquals("channel 'train', file 'a.libsvm', line 2, column 3: the value 'inf' is infinite" + FINITE_ONLY
        + "leave the pair out for a missing value or write a finite number", readFails(ContentType.LIBSVM, false).getMessage());
    write("a.libsvm", "1 qid:3 4:-1E400\n");
    assertEquals("channel 'train', file 'a.libsvm', line 1, column 3: the value '-1E400' is infinite as a float32 "
        + "(beyond ±3.4028235E38)" + FINITE_ONLY + "leave the pair out for a missing value or write a finite number",
        readFails(ContentType.LIBSVM, false).getMessage());
  }

  /** XGBoost would refuse these later ("Weights must be positive values", a label check without a file). */
  @Test
  void infiniteLabelsAndWeights_areRefusedNamingFileAndLine() throws IOException {
    write("a.csv", "1,2,3\ninf,2,3\n");
    assertEquals("channel 'train', file 'a.csv', line 2, column 1: the label 'inf' is not a finite number; every row "
        + "needs a finite label in column 1", readFails(ContentType.CSV, false).getMessage());
    write("a.csv", "1,1e999,3\n");
    assertEquals("channel 'train', file 'a.csv', line 1, column 2: instance weight '1e999' is not a finite non-negative "
        + "number (csv_weights=1 reads column 2 as the weight)", readFails(ContentType.CSV, true).getMessage());
    write("a.csv", "1 0:1\n-Infinity 0:2\n");
    assertEquals("channel 'train', file 'a.csv', line 2, column 1: the label '-Infinity' is not a finite number; every "
        + "line needs a finite label first", readFails(ContentType.LIBSVM, false).getMessage());
    write("a.csv", "1:inf 0:1\n");
    assertEquals("channel 'train', file 'a.csv', line 1, column 1: instance weight 'inf' is not a finite number",
        readFails(ContentType.LIBSVM, false).getMessage());
  }

  @Test
  void defaultedLibsvm_onPlainCsv_saysTheContentTypeIsMissing() throws IOException {
    write("a.csv", "\n16,2,0.74,0.6\n10,1,0.595,0.475\n");
    ChannelReader reader = new ChannelReader(ContentType.LIBSVM, false, 2).withContentTypeDefaulted();
    UserError e = assertThrows(UserError.class,
        () -> reader.read(FolderChannel.list("train", dir.resolve("train"), InputMode.FILE)));
    assertEquals("channel 'train', file 'a.csv', line 2: the data is CSV (4 numbers separated by ','), but the"
        + " channel has no ContentType and is read as LibSVM, the default; perhaps you should set the channel's"
        + " ContentType to text/csv (in inputdataconfig.json: {\"train\": {\"ContentType\": \"text/csv\"}})",
        e.getMessage());
  }

  @Test
  void defaultedLibsvm_onLibsvmOrAGivenContentType_readsAsBefore() throws IOException {
    write("a.libsvm", "1 0:2.5 3:1\n0 1:1\n");
    try (ChannelData data = new ChannelReader(ContentType.LIBSVM, false, 2).withContentTypeDefaulted()
        .read(FolderChannel.list("train", dir.resolve("train"), InputMode.FILE))) {
      assertEquals(2, data.rows());
    }
    Files.delete(dir.resolve("train/a.libsvm"));
    write("a.csv", "16,2,0.74\n");
    // a job that said LibSVM gets the parser's own message
    assertEquals("channel 'train', file 'a.csv', line 1, column 1: the label '16,2,0.74' is not a number",
        readFails(ContentType.LIBSVM, false).getMessage());
  }

  @Test
  void libsvm_readsSparseRowsWithWeights() throws IOException {
    write("a.libsvm", "1:0.2 2:1\n0:0.5 4:1 0:3.5\n");
    try (ChannelData data = read(ContentType.LIBSVM, false)) {
      assertEquals(5, data.features());
      Batch b = data.batches().get(0);
      assertFalse(b.isDense());
      assertTrue(b.hasWeights());
      assertEquals(0.2f, b.weights().get(0));
      assertEquals(0.5f, b.weights().get(1));
      long[] ptr = new long[3];
      b.indptr().get(ptr);
      assertArrayEquals(new long[] {0, 1, 3}, ptr);
      int[] idx = new int[3];
      b.indices().get(idx);
      assertArrayEquals(new int[] {2, 4, 0}, idx);
      float[] val = new float[3];
      b.values().get(val);
      assertArrayEquals(new float[] {1, 1, 3.5f}, val);
    }
  }

  @Test
  void libsvm_withoutWeightsHasNone() throws IOException {
    write("a.libsvm", "1 2:1 # a comment\n0\t4:1\n");
    try (ChannelData data = read(ContentType.LIBSVM, false)) {
      assertFalse(data.hasWeights());
      assertNull(data.batches().get(0).weights());
      assertEquals(2, data.rows());
    }
  }

  @Test
  void libsvm_errorsNameToken() throws IOException {
    write("a.libsvm", "1 2:1\n1 2:x\n");
    assertEquals("channel 'train', file 'a.libsvm', line 2, column 2: the value 'x' is not a number",
        readFails(ContentType.LIBSVM, false).getMessage());
    write("a.libsvm", "1 2\n");
    assertEquals("channel 'train', file 'a.libsvm', line 1, column 2: '2' is not an index:value pair",
        readFails(ContentType.LIBSVM, false).getMessage());
    write("a.libsvm", "1 -2:1\n");
    assertEquals("channel 'train', file 'a.libsvm', line 1, column 2: feature index '-2' is not a non-negative integer",
        readFails(ContentType.LIBSVM, false).getMessage());
    write("a.libsvm", "abc 2:1\n");
    assertEquals("channel 'train', file 'a.libsvm', line 1, column 1: the label 'abc' is not a number",
        readFails(ContentType.LIBSVM, false).getMessage());
  }

  @Test
  void libsvm_pairWithoutValueIsMissingWithOneWarningPerFile() throws IOException {
    write("a.libsvm", "1 0:1 1:2\n0 0:3 1:\n\n1 0:5 1:6 2:\n");
    write("b.libsvm", "1 3:1\n");
    try (LogCapture log = new LogCapture(ChannelReader.class); ChannelData data = read(ContentType.LIBSVM, false, 16)) {
      assertEquals(4, data.rows());
      assertEquals(4, data.features());
      List<Float> values = new ArrayList<>();
      List<Integer> indices = new ArrayList<>();
      for (Batch b : data.batches()) {
        for (long i = 0; i < b.indptr().get(b.rows()); i++) {
          indices.add(b.indices().get((int) i));
          values.add(b.values().get((int) i));
        }
      }
      // the valueless cells are left out of their rows: missing, not 0 and not a made-up value
      assertEquals(List.of(0, 1, 0, 0, 1, 3), indices);
      assertEquals(List.of(1f, 2f, 3f, 5f, 6f, 1f), values);
      assertEquals(List.of("channel 'train', file 'a.libsvm': 2 features written 'index:' with no value (first on "
          + "line 2) read as missing; perhaps you should write the value or leave the pair out"),
          log.at(java.util.logging.Level.WARNING));
    }
  }

  @Test
  void readsGzipSubfoldersInOrderAndSkipsMarkers() throws IOException {
    write("b/2.csv", "2,1\n");
    write("a.csv", "1,1\n");
    write("_SUCCESS", "");
    write(".hidden", "garbage");
    Path gz = dir.resolve("train/c.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("3,1\n".getBytes(StandardCharsets.UTF_8));
    }
    try (ChannelData data = read(ContentType.CSV, false)) {
      assertArrayEquals(new float[] {1, 2, 3}, labels(data));
    }
  }

  @Test
  void emptyChannelIsAUserError() throws IOException {
    write("empty", "");
    assertEquals("channel 'train' is empty: its 1 file(s) (empty) hold no rows",
        readFails(ContentType.LIBSVM, false).getMessage());
  }

  @Test
  void gzipAroundNothingIsAnEmptyFile() throws IOException {
    write("a.csv", "");
    Files.createDirectories(dir.resolve("train"));
    new GZIPOutputStream(Files.newOutputStream(dir.resolve("train/b.csv.gz"))).close();
    assertEquals("channel 'train' is empty: its 2 file(s) (a.csv, b.csv.gz) hold no rows",
        readFails(ContentType.CSV, false).getMessage());
  }

  @Test
  void channelWithoutFilesIsAUserError() throws IOException {
    Files.createDirectories(dir.resolve("train"));
    assertEquals("channel 'train' has no data files: put at least one text/csv file in it",
        readFails(ContentType.CSV, false).getMessage());
  }

  /** Spark's output: many small part- files, some empty, some without a final newline. */
  private void writeParts(int files) throws IOException {
    for (int i = 0; i < files; i++) {
      String rows = i % 100 == 7 ? "" : i + ",1.5,2\n" + i + ",," + (i % 3 == 0 ? "3" : "3\n");
      write(String.format("part-%05d.csv", i), rows);
    }
  }

  /**
   * Small files share blocks: 2,000 files of a few bytes make one block, one parse task and one
   * batch, not 2,000; the reading thread allocates a bounded amount per file (it used to take a
   * block buffer and a 64 KiB read buffer for each).
   */
  @Test
  void csv_manySmallFilesShareBlocks_andCostBoundedHeapPerFile() throws IOException {
    writeParts(2_000);
    FolderChannel channel = FolderChannel.list("train", dir.resolve("train"), InputMode.FILE);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
        .getThreadMXBean();
    read(ContentType.CSV, false).close(); // warm up: classes, the parser threads' first blocks
    long before = threads.getCurrentThreadAllocatedBytes();
    try (ChannelData data = new ChannelReader(ContentType.CSV, false, 2, ChannelReader.DEFAULT_BLOCK_BYTES)
        .read(channel)) {
      long perFile = (threads.getCurrentThreadAllocatedBytes() - before) / 2_000;
      assertEquals(1, data.batches().size(), "one block for 2,000 files of ~20 bytes");
      assertEquals(2 * 1_980, data.rows());
      assertEquals(2, data.features());
      float[] labels = labels(data);
      int row = 0;
      for (int i = 0; i < 2_000; i++) {
        if (i % 100 != 7) {
          assertEquals(i, labels[row++]);
          assertEquals(i, labels[row++]);
        }
      }
      assertTrue(perFile < 16 * 1024, "heap allocated per file on the reading thread: " + perFile + " bytes");
    }
    // with blocks of 4 KiB: about 12 files a block, each block holding the ends of files
    try (ChannelData data = read(ContentType.CSV, false, 4096)) {
      assertEquals(2 * 1_980, data.rows());
      assertTrue(data.batches().size() < 2_000 / 8, data.batches().size() + " batches");
    }
  }

  /** Errors in packed blocks still name the file and its own line, wherever the block was cut. */
  @Test
  void csv_manySmallFiles_errorsNameTheFileAndItsLine() throws IOException {
    writeParts(2_000);
    write("part-01234.csv", "1234,1.5,2\n1234,x,3\n");
    for (int block : new int[] {ChannelReader.DEFAULT_BLOCK_BYTES, 4096, 64}) {
      assertEquals("channel 'train', file 'part-01234.csv', line 2, column 2: 'x' is not a number "
          + "(leave the field empty for a missing value)",
          assertThrows(UserError.class, () -> read(ContentType.CSV, false, block)).getMessage(), "block " + block);
    }
    write("part-01234.csv", "1234,1.5,2\n1234,1,3\n");
    write("part-01500.csv", "label,a,b\n1500,1,3\n");
    for (int block : new int[] {ChannelReader.DEFAULT_BLOCK_BYTES, 4096, 64}) {
      assertEquals("channel 'train', file 'part-01500.csv', line 1: 'label,a,b' looks like a header: remove it "
          + "(CSV input has no header row; the label is the first column)",
          assertThrows(UserError.class, () -> read(ContentType.CSV, false, block)).getMessage(), "block " + block);
    }
    write("part-01500.csv", "1500,1,3\n1500,1,3,4\n");
    assertEquals("channel 'train', file 'part-01500.csv', line 2: expected 3 columns, found 4 "
        + "(every row needs the same columns as the first row)", readFails(ContentType.CSV, false).getMessage());
  }

  /** LibSVM small files too, with a file that ends without a newline running into no other. */
  @Test
  void libsvm_manySmallFilesShareBlocks() throws IOException {
    for (int i = 0; i < 500; i++) {
      write(String.format("part-%05d", i), i + " 0:1 3:2\n" + i + " 1:4");
    }
    try (ChannelData data = read(ContentType.LIBSVM, false)) {
      assertEquals(1, data.batches().size());
      assertEquals(1_000, data.rows());
      assertEquals(4, data.features());
    }
    write("part-00321", "321 0:1\n321 0:1\n321 2:y\n");
    assertEquals("channel 'train', file 'part-00321', line 3, column 2: the value 'y' is not a number",
        readFails(ContentType.LIBSVM, false).getMessage());
  }

  /**
   * In a small file packed with others, query id errors, query_column errors and the valueless-cell
   * warning still name that file and its own line; a query may continue into the next file.
   */
  @Test
  void manySmallFiles_queryErrorsAndWarningsNameTheFileAndItsLine() throws IOException {
    for (int i = 0; i < 300; i++) {
      write(String.format("part-%05d", i), "1 qid:" + i + " 0:1\n0 qid:" + i + " 1:2\n");
    }
    write("part-00150", "1 qid:150 0:1\n\n0 qid:150 1:\n0 qid:150 1:3 2:\n");
    write("part-00151", "1 qid:150 0:1\n");
    try (LogCapture log = new LogCapture(ChannelReader.class); ChannelData data = read(ContentType.LIBSVM, false)) {
      assertEquals(1, data.batches().size(), "300 files of ~30 bytes in one block");
      assertEquals(299, data.groups().length);
      assertEquals(4, data.groups()[150], "query 150 continues from part-00150 into part-00151");
      assertEquals(List.of("channel 'train', file 'part-00150': 2 features written 'index:' with no value (first on "
          + "line 3) read as missing; perhaps you should write the value or leave the pair out"),
          log.at(java.util.logging.Level.WARNING));
    }
    for (int block : new int[] {ChannelReader.DEFAULT_BLOCK_BYTES, 4096, 64}) {
      write("part-00200", "1 qid:200 0:1\n\n0 qid:7 1:2\n");
      assertEquals("channel 'train', file 'part-00200', line 3: query id 7 comes back after other queries (its rows"
          + " began in file 'part-00007', line 1); the rows of one query must be contiguous, perhaps you should sort"
          + " the rows by query id",
          assertThrows(UserError.class, () -> read(ContentType.LIBSVM, false, block)).getMessage(), "block " + block);
      write("part-00200", "1 qid:200 0:1\n0 qid:-2 1:2\n");
      assertEquals("channel 'train', file 'part-00200', line 2, column 2: the query id '-2' is not a non-negative"
          + " integer", assertThrows(UserError.class, () -> read(ContentType.LIBSVM, false, block)).getMessage());
      write("part-00200", "\n1 0:1\n");
      assertEquals("channel 'train', file 'part-00200', line 1: the rows from here on have no query id but the rows"
          + " before them have one (file 'part-00000', line 1); every row needs one, or none",
          assertThrows(UserError.class, () -> read(ContentType.LIBSVM, false, block)).getMessage(), "block " + block);
      write("part-00200", "1 qid:200 0:1\n0 1:2\n");
      assertEquals("channel 'train', file 'part-00200', line 2: this row has no query id ('qid:') but the rows before"
          + " it have one; every row needs one, or none",
          assertThrows(UserError.class, () -> read(ContentType.LIBSVM, false, block)).getMessage(), "block " + block);
      write("part-00200", "1 qid:200 0:1\n");
    }
  }

  /** query_column in CSV files packed into shared blocks: ids per file, errors naming the file and line. */
  @Test
  void manySmallFiles_queryColumnErrorsNameTheFileAndItsLine() throws IOException {
    for (int i = 0; i < 300; i++) {
      write(String.format("part-%05d.csv", i), "1," + i + ",5\n0," + i + ",6\n");
    }
    ChannelReader reader = new ChannelReader(ContentType.CSV, false, 2, 4096).withQueryColumn(2);
    try (ChannelData data = reader.read(FolderChannel.list("train", dir.resolve("train"), InputMode.FILE))) {
      assertTrue(data.batches().size() < 10, data.batches().size() + " batches");
      assertEquals(300, data.groups().length);
      assertEquals(1, data.features());
    }
    for (int block : new int[] {ChannelReader.DEFAULT_BLOCK_BYTES, 4096, 64}) {
      ChannelReader packed = new ChannelReader(ContentType.CSV, false, 2, block).withQueryColumn(2);
      write("part-00150.csv", "1,150,5\n0,150.5,6\n");
      assertEquals("channel 'train', file 'part-00150.csv', line 2, column 2: the query id 150.5 is not a whole number"
          + " in [0, 16777216] (query ids are read as float32, which holds larger ones inexactly), perhaps you should"
          + " number the queries from 0", assertThrows(UserError.class,
              () -> packed.read(FolderChannel.list("train", dir.resolve("train"), InputMode.FILE))).getMessage());
      write("part-00150.csv", "1,150,5\n0,7,6\n");
      assertEquals("channel 'train', file 'part-00150.csv', line 2: query id 7 comes back after other queries (its"
          + " rows began in file 'part-00007.csv', line 1); the rows of one query must be contiguous, perhaps you"
          + " should sort the rows by query id", assertThrows(UserError.class,
              () -> packed.read(FolderChannel.list("train", dir.resolve("train"), InputMode.FILE))).getMessage());
      write("part-00150.csv", "1,150,5\n");
    }
  }

  @Test
  void csv_packedDecimalsHoldTheValuesTheFloatsWould() throws IOException {
    StringBuilder text = new StringBuilder();
    Random random = new Random(5);
    for (int i = 0; i < 3000; i++) {
      text.append(i % 2).append(',').append(random.nextInt(2000) - 1000).append('.').append(random.nextInt(10))
          .append(',').append(i == 1500 ? "" : Integer.toString(random.nextInt(100)))
          .append(',').append(i == 2500 ? "0.8692932128906250" : "-0.5").append('\n');
    }
    write("a.csv", text.toString());
    float[] expected;
    try (ChannelData floats = read(ContentType.CSV, false, 4096)) {
      assertTrue(floats.batches().stream().noneMatch(Batch::isPacked));
      expected = values(floats);
    }
    ChannelReader reader = new ChannelReader(ContentType.CSV, false, 2, 4096).withPackedDecimals();
    try (LogCapture log = new LogCapture(ChannelReader.class);
        ChannelData packed = reader.read(FolderChannel.list("train", dir.resolve("train"), InputMode.FILE))) {
      long packedBatches = packed.batches().stream().filter(Batch::isPacked).count();
      int batches = packed.batches().size();
      assertTrue(batches > 10, batches + " batches");
      // the batch with all the float's digits stays floats; the missing value packs
      assertEquals(batches - 1, packedBatches);
      long floatBytes = 4L * 3 * 3000;
      long held = packed.batches().stream().mapToLong(Batch::valueBytes).sum();
      assertEquals(List.of(String.format(java.util.Locale.ROOT, "channel 'train': feature values held in %.1f MiB as"
          + " short decimals (%d of %d batches packed; %.1f MiB as floats)", held / 1048576.0, packedBatches, batches,
          floatBytes / 1048576.0)), log.at(java.util.logging.Level.INFO).stream()
          .filter(m -> m.contains("short decimals")).toList());
      // one decimal and at most 10009 * 10: two bytes a value in the packed batches
      assertEquals(packed.batches().stream().mapToLong(b -> (b.isPacked() ? 2L : 4L) * b.rows() * b.columns()).sum(),
          held);
      assertArrayEquals(expected, values(packed));
    }
  }
}
