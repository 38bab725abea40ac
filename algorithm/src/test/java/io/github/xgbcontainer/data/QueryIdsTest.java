package io.github.xgbcontainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.xgbcontainer.channel.FolderChannel;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Query ids for learning to rank: LibSVM's {@code qid:}, the CSV and Parquet {@code query_column}, and their groups. */
class QueryIdsTest {

  @TempDir Path dir;

  private void write(String name, String text) throws IOException {
    Path file = dir.resolve("train").resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private ChannelData read(ChannelReader reader) {
    return reader.read(FolderChannel.list("train", dir.resolve("train"), InputMode.FILE));
  }

  private static ChannelReader libsvm(int blockBytes) {
    return new ChannelReader(ContentType.LIBSVM, false, 2, blockBytes);
  }

  @Test
  void libsvm_qidAfterTheLabelGivesTheGroups() throws IOException {
    write("a.libsvm", "2 qid:7 0:1.5 3:2\n0 qid:7 1:1\n\n1 qid:3 0:0.5 # a comment\n");
    write("b.libsvm", "1 qid:3 2:1\n0 qid:12 0:1\n1:2 qid:12 1:1\n");
    try (ChannelData data = read(libsvm(ChannelReader.DEFAULT_BLOCK_BYTES))) {
      assertEquals(6, data.rows());
      assertEquals(4, data.features(), "qid is not a feature");
      assertArrayEquals(new int[] {2, 2, 2}, data.groups(), "query 3 continues into the next file");
    }
  }

  @Test
  void libsvm_groupsSpanBlocks() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int q = 0; q < 50; q++) {
      for (int d = 0; d < 7; d++) {
        text.append(d % 3).append(" qid:").append(q).append(" 0:").append(d).append('\n');
      }
    }
    write("a.libsvm", text.toString());
    try (ChannelData data = read(libsvm(64))) {
      int[] sevens = new int[50];
      java.util.Arrays.fill(sevens, 7);
      assertArrayEquals(sevens, data.groups());
    }
  }

  @Test
  void libsvm_withoutQidHasNoGroups() throws IOException {
    write("a.libsvm", "1 0:1\n0 1:1\n");
    try (ChannelData data = read(libsvm(ChannelReader.DEFAULT_BLOCK_BYTES))) {
      assertFalse(data.hasGroups());
      assertNull(data.groups());
    }
  }

  @Test
  void libsvm_queryThatComesBackIsRefusedNamingBothPlaces() throws IOException {
    write("a.libsvm", "1 qid:1 0:1\n0 qid:1 0:2\n1 qid:2 0:1\n");
    write("b.libsvm", "0 qid:2 0:3\n\n1 qid:1 0:4\n");
    UserError e = assertThrows(UserError.class, () -> read(libsvm(ChannelReader.DEFAULT_BLOCK_BYTES)));
    assertEquals("channel 'train', file 'b.libsvm', line 3: query id 1 comes back after other queries (its rows"
        + " began in file 'a.libsvm', line 1); the rows of one query must be contiguous, perhaps you should sort"
        + " the rows by query id", e.getMessage());
  }

  @Test
  void libsvm_rowWithoutQidAmongRowsWithOneIsRefused() throws IOException {
    write("a.libsvm", "1 qid:1 0:1\n0 0:2\n");
    UserError e = assertThrows(UserError.class, () -> read(libsvm(ChannelReader.DEFAULT_BLOCK_BYTES)));
    assertEquals("channel 'train', file 'a.libsvm', line 2: this row has no query id ('qid:') but the rows before"
        + " it have one; every row needs one, or none", e.getMessage());
  }

  @Test
  void libsvm_fileWithoutQidAfterOneWithIsRefused() throws IOException {
    write("a.libsvm", "1 qid:1 0:1\n");
    write("b.libsvm", "\n0 0:2\n");
    UserError e = assertThrows(UserError.class, () -> read(libsvm(ChannelReader.DEFAULT_BLOCK_BYTES)));
    assertEquals("channel 'train', file 'b.libsvm', line 1: the rows from here on have no query id but the rows"
        + " before them have one (file 'a.libsvm', line 1); every row needs one, or none", e.getMessage());
  }

  @Test
  void libsvm_badQidIsRefused() throws IOException {
    write("a.libsvm", "1 qid:-4 0:1\n");
    UserError e = assertThrows(UserError.class, () -> read(libsvm(ChannelReader.DEFAULT_BLOCK_BYTES)));
    assertEquals("channel 'train', file 'a.libsvm', line 1, column 2: the query id '-4' is not a non-negative integer",
        e.getMessage());
    write("a.libsvm", "1 0:1 qid:4\n");
    e = assertThrows(UserError.class, () -> read(libsvm(ChannelReader.DEFAULT_BLOCK_BYTES)));
    assertEquals("channel 'train', file 'a.libsvm', line 1, column 3: the query id ('qid:') must come right after"
        + " the label", e.getMessage());
  }

  @Test
  void csv_queryColumnGivesTheGroupsAndIsNoFeature() throws IOException {
    write("a.csv", "2,0.5,10,1.5\n1,0.5,10,2.5\n0,1,11,\n");
    try (ChannelData data = read(new ChannelReader(ContentType.CSV, true, 2).withQueryColumn(3))) {
      assertEquals(1, data.features());
      assertArrayEquals(new int[] {2, 1}, data.groups());
      float[] values = new float[3];
      data.batches().get(0).values().get(values);
      assertArrayEquals(new float[] {1.5f, 2.5f, Float.NaN}, values);
      float[] weights = new float[3];
      data.batches().get(0).weights().get(weights);
      assertArrayEquals(new float[] {0.5f, 0.5f, 1f}, weights);
    }
  }

  @Test
  void csv_queryThatComesBackIsRefusedByLine() throws IOException {
    write("a.csv", "1,4,0.5\n0,5,0.5\n1,4,0.5\n");
    UserError e = assertThrows(UserError.class,
        () -> read(new ChannelReader(ContentType.CSV, false, 2).withQueryColumn(2)));
    assertEquals("channel 'train', file 'a.csv', line 3: query id 4 comes back after other queries (its rows began"
        + " in file 'a.csv', line 1); the rows of one query must be contiguous, perhaps you should sort the rows by"
        + " query id", e.getMessage());
  }

  @Test
  void csv_missingOrFractionalQueryIdIsRefused() throws IOException {
    write("a.csv", "1,4,0.5\n0,,0.5\n");
    UserError e = assertThrows(UserError.class,
        () -> read(new ChannelReader(ContentType.CSV, false, 2).withQueryColumn(2)));
    assertEquals("channel 'train', file 'a.csv', line 2, column 2: the query id is missing", e.getMessage());
    write("a.csv", "1,4.5,0.5\n");
    e = assertThrows(UserError.class, () -> read(new ChannelReader(ContentType.CSV, false, 2).withQueryColumn(2)));
    assertEquals("channel 'train', file 'a.csv', line 1, column 2: the query id 4.5 is not a whole number in"
        + " [0, 16777216] (query ids are read as float32, which holds larger ones inexactly), perhaps you should"
        + " number the queries from 0", e.getMessage());
  }

  @Test
  void queryColumn_refusesLabelWeightAndLibsvm() {
    UserError e = assertThrows(UserError.class,
        () -> new ChannelReader(ContentType.CSV, true, 2).withQueryColumn(2));
    assertEquals("hyperparameter 'query_column': column 2 holds the instance weight (csv_weights=1), perhaps you"
        + " should name the column of the query ids (counting the label as column 1)", e.getMessage());
    e = assertThrows(UserError.class, () -> new ChannelReader(ContentType.LIBSVM, false, 2).withQueryColumn(2));
    assertEquals("hyperparameter 'query_column' applies to CSV and Parquet channels, not text/libsvm, perhaps you"
        + " should remove it: LibSVM rows give their query as 'qid:' after the label", e.getMessage());
  }

  @Test
  void csv_queryColumnBeyondTheRowIsRefused() throws IOException {
    write("a.csv", "1,4,0.5\n");
    UserError e = assertThrows(UserError.class,
        () -> read(new ChannelReader(ContentType.CSV, false, 2).withQueryColumn(4)));
    assertEquals("channel 'train', file 'a.csv': hyperparameter 'query_column' is 4 but the rows have 3 columns",
        e.getMessage());
  }

  @Test
  void rowSelection_keepsWholeQueriesAsGroups() throws IOException {
    write("a.libsvm", "1 qid:1 0:1\n0 qid:1 0:2\n1 qid:2 0:1\n0 qid:2 0:3\n1 qid:3 0:4\n");
    try (ChannelData data = read(libsvm(ChannelReader.DEFAULT_BLOCK_BYTES));
         ChannelData part = RowSelection.select(data, new int[] {0, 1, 4}, "fold")) {
      assertArrayEquals(new int[] {2, 1}, part.groups());
    }
  }

  @Test
  void inferencePayload_ignoresQid() {
    byte[] body = "0 qid:4 1:2.5\nqid:4 0:1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (Batch batch = PayloadParser.libsvm(body, body.length)) {
      assertEquals(2, batch.rows());
      assertEquals(2, batch.nonMissing(), "qid is no feature");
      assertNull(batch.queries(), "and plays no part in a prediction");
      int[] indices = new int[2];
      batch.indices().get(indices);
      assertArrayEquals(new int[] {1, 0}, indices);
    }
  }

  @Test
  void parquet_queryColumnAcrossRowGroups() throws IOException {
    // row_groups.parquet: 500 rows in several row groups, column 2 (the first feature) is the row number
    Path train = Files.createDirectories(dir.resolve("train"));
    Files.copy(Path.of("src/test/resources/fixtures/parquet/row_groups.parquet"), train.resolve("rows.parquet"));
    ChannelReader plain = new ChannelReader(ContentType.PARQUET,
        new io.github.xgbcontainer.data.parquet.ParquetReader(dir.resolve("spool")));
    int features;
    try (ChannelData data = read(plain)) {
      features = data.features();
      assertNull(data.groups());
    }
    try (ChannelData data = read(plain.withQueryColumn(2))) {
      assertEquals(features - 1, data.features(), "the query column is no feature");
      int[] ones = new int[500];
      java.util.Arrays.fill(ones, 1);
      assertArrayEquals(ones, data.groups(), "one query per row, across row groups");
    }
  }
}
