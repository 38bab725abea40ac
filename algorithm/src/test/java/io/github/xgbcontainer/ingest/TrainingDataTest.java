package io.github.xgbcontainer.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.data.ChannelReader;
import io.github.xgbcontainer.channel.FolderChannel;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rows cross-validation joins, from LibSVM channels read by the real reader. */
class TrainingDataTest {

  @TempDir Path dir;

  private ChannelData libsvm(String channel, String text) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(channel));
    Files.writeString(folder.resolve("part"), text);
    return new ChannelReader(ContentType.LIBSVM, false, 1).read(FolderChannel.list(channel, folder, InputMode.FILE));
  }

  @Test
  void joined_appendsValidationRowsAndQueryGroups() throws IOException {
    try (TrainingData data = new TrainingData(libsvm("train", "1 qid:1 0:1\n0 qid:1 0:2\n1 qid:2 0:3\n"),
        Optional.of(libsvm("validation", "0 qid:7 0:4\n1 qid:7 0:5\n")))) {
      ChannelData joined = data.joined();
      assertEquals("train+validation", joined.channel());
      assertEquals(5, joined.rows());
      assertArrayEquals(new int[] {2, 1, 2}, joined.groups());
    }
  }

  @Test
  void joined_isTheTrainChannelAloneWithoutValidation() throws IOException {
    try (TrainingData data = new TrainingData(libsvm("train", "1 0:1\n0 0:2\n"), Optional.empty())) {
      assertEquals("train", data.joined().channel());
      assertEquals(2, data.joined().rows());
    }
  }

  @Test
  void joined_failsWhenOnlyOneChannelHasQueryIds() throws IOException {
    try (TrainingData data = new TrainingData(libsvm("train", "1 0:1\n"),
        Optional.of(libsvm("validation", "0 qid:7 0:4\n")))) {
      UserError e = assertThrows(UserError.class, data::joined);
      assertEquals("channel 'train' has no query ids but channel 'validation' has: cross-validation joins their"
          + " rows, so either both need them or neither", e.getMessage());
    }
  }

  /** Cross-validation's fold models get the names the model without folds gets: Parquet's columns. */
  @Test
  void joinedAndItsFolds_keepTheTrainChannelsFeatureNames() throws IOException {
    Path parquet = Path.of("src/test/resources/fixtures/parquet/pandas_named_index.parquet");
    for (String channel : new String[] {"train", "validation"}) {
      Files.copy(parquet, Files.createDirectories(dir.resolve(channel)).resolve("data.parquet"));
    }
    ChannelReader reader = new ChannelReader(ContentType.PARQUET,
        new io.github.xgbcontainer.data.parquet.ParquetReader(dir.resolve("spool")));
    try (TrainingData data = new TrainingData(reader.read(FolderChannel.list("train", dir.resolve("train"), InputMode.FILE)),
        Optional.of(new ChannelReader(ContentType.PARQUET, new io.github.xgbcontainer.data.parquet.ParquetReader(
            dir.resolve("spool"))).read(FolderChannel.list("validation", dir.resolve("validation"), InputMode.FILE))))) {
      ChannelData joined = data.joined();
      assertEquals(java.util.List.of("area", "rooms"), joined.featureNames());
      try (ChannelData fold = io.github.xgbcontainer.data.RowSelection.select(joined, new int[] {3, 250, 7}, "fold")) {
        assertEquals(java.util.List.of("area", "rooms"), fold.featureNames());
        assertEquals(3, fold.rows());
      }
    }
  }
}
