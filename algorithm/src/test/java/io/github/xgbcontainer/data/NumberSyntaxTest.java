package io.github.xgbcontainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.channel.FolderChannel;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.error.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NumberSyntaxTest {

  @TempDir Path dir;

  @Test
  void parseFloat_readsDecimalsAndTheNanAndInfSpellingsInAnyCase() {
    assertEquals(1.5f, NumberSyntax.parseFloat("1.5"));
    assertEquals(-0.5f, NumberSyntax.parseFloat("-.5"));
    assertEquals(5f, NumberSyntax.parseFloat("+5."));
    assertEquals(1.0e-3f, NumberSyntax.parseFloat("1E-3"));
    assertEquals(0.1f, NumberSyntax.parseFloat("0.1"));
    for (String nan : new String[] {"nan", "NaN", "NAN", "-nan", "+NaN"}) {
      assertEquals(Float.NaN, NumberSyntax.parseFloat(nan), nan);
    }
    for (String inf : new String[] {"inf", "Inf", "+INF", "infinity", "Infinity"}) {
      assertEquals(Float.POSITIVE_INFINITY, NumberSyntax.parseFloat(inf), inf);
    }
    assertEquals(Float.NEGATIVE_INFINITY, NumberSyntax.parseFloat("-Infinity"));
    assertEquals(Float.NEGATIVE_INFINITY, NumberSyntax.parseFloat("-inf"));
  }

  @Test
  void parseFloat_refusesJavaOnlySyntax() {
    for (String bad : new String[] {"0x1p3", "0X10", "1f", "2d", "1.5F", "3D", "1e", "1e+", ".", "-", "+",
        "", "e5", "1_0", "1.2.3", "infinit", "nana", " 1", "1 ", "--1", "1e5f", "\u00bd"}) {
      assertThrows(NumberFormatException.class, () -> NumberSyntax.parseFloat(bad), bad);
    }
  }

  @Test
  void trainingCsvAndLibsvm_readTheSameSyntax() throws Exception {
    Path train = dir.resolve("train");
    Files.createDirectories(train);
    Files.writeString(train.resolve("a.csv"), "1,nan,-1e3,2\n0,0x1p3,1,2\n");
    ChannelReader csv = new ChannelReader(ContentType.CSV, false, 1, ChannelReader.DEFAULT_BLOCK_BYTES);
    UserError e = assertThrows(UserError.class, () -> csv.read(FolderChannel.list("train", train, InputMode.FILE)));
    assertEquals("channel 'train', file 'a.csv', line 2, column 2: '0x1p3' is not a number"
        + " (leave the field empty for a missing value)", e.getMessage());
    Files.writeString(train.resolve("a.csv"), "1,nan,-1e3,2\n");
    try (ChannelData data = csv.read(FolderChannel.list("train", train, InputMode.FILE))) {
      Batch batch = data.batches().get(0);
      assertEquals(Float.NaN, batch.values().get(0));
      assertEquals(-1000f, batch.values().get(1));
    }
    // an infinity is read as one (not "not a number"), and then refused: XGBoost trains on finite values only
    Files.writeString(train.resolve("a.csv"), "1,nan,-INF,2\n");
    e = assertThrows(UserError.class, () -> csv.read(FolderChannel.list("train", train, InputMode.FILE)));
    assertEquals("channel 'train', file 'a.csv', line 1, column 3: the value '-INF' is infinite; XGBoost trains only"
        + " on finite feature values, perhaps you should leave the field empty for a missing value or write a finite"
        + " number", e.getMessage());
    Files.delete(train.resolve("a.csv"));
    Files.writeString(train.resolve("a.libsvm"), "1 0:NaN 1:2d\n");
    ChannelReader libsvm = new ChannelReader(ContentType.LIBSVM, false, 1, ChannelReader.DEFAULT_BLOCK_BYTES);
    e = assertThrows(UserError.class, () -> libsvm.read(FolderChannel.list("train", train, InputMode.FILE)));
    assertEquals("channel 'train', file 'a.libsvm', line 1, column 3: the value '2d' is not a number", e.getMessage());
    Files.writeString(train.resolve("a.libsvm"), "1 0:Infinity 1:2\n");
    e = assertThrows(UserError.class, () -> libsvm.read(FolderChannel.list("train", train, InputMode.FILE)));
    assertEquals("channel 'train', file 'a.libsvm', line 1, column 2: the value 'Infinity' is infinite; XGBoost"
        + " trains only on finite feature values, perhaps you should leave the pair out for a missing value or write"
        + " a finite number", e.getMessage());
  }
}
