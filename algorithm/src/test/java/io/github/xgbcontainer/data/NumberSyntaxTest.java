package io.github.xgbcontainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ch.randelshofer.fastdoubleparser.JavaFloatParser;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.channel.FolderChannel;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.error.UserError;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
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

  /** The bits fastdoubleparser, correctly rounding, gives for {@code text}: what every value read before. */
  private static int reference(String text) {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    return Float.floatToRawIntBits(JavaFloatParser.parseFloat(b, 0, b.length));
  }

  private static int parsed(String text) {
    return Float.floatToRawIntBits(NumberSyntax.parseFloat(text));
  }

  @Test
  void parseFloat_shortDecimals_haveTheBitsOfTheFullParser_atTheEdgesOfTheFastRoad() {
    for (String text : new String[] {
        "0", "-0", "+0", "-0.0", "0.", ".0", "-.0", "1", "1.", ".5", "+.5", "-1.23456", "0.1", "0.3", "0.7",
        "16777215", "16777216", "16777217", "16777219", "-16777217", "1677721.7", "1677721.9", "167772.17",
        "0.0000000001", "0.00000000001", "1.0000000001", "0.1234567", "0.12345678", "0.123456789012345678",
        "1234567890123456789", "000000000000000000001", "0.000000000000000000001", "3.4028235e38", "1e39",
        "1.4e-45", "7e-46", "1E-3", "1e+3", "-2.5e-2", "99999999999999999999.5", "0.99999997", "0.99999999",
        "8388608.5", "8388609.5", "4294967296", "0.30000001192092896", "2.0000001", "33554431"}) {
      assertEquals(reference(text), parsed(text), text);
    }
  }

  @Test
  void parseFloat_randomDecimals_haveTheBitsOfTheFullParser() {
    SplittableRandom random = new SplittableRandom(16);
    StringBuilder text = new StringBuilder();
    for (int n = 0; n < 200_000; n++) {
      text.setLength(0);
      int sign = random.nextInt(3);
      text.append(sign == 0 ? "" : sign == 1 ? "-" : "+");
      int whole = random.nextInt(10);
      int fraction = random.nextInt(13);
      for (int i = 0; i < whole; i++) {
        text.append((char) ('0' + random.nextInt(10)));
      }
      if (fraction > 0 || whole == 0 || random.nextBoolean()) {
        text.append('.');
      }
      for (int i = 0; i < fraction || whole == 0 && i == 0; i++) {
        text.append((char) ('0' + random.nextInt(10)));
      }
      if (random.nextInt(8) == 0) {
        text.append('e').append(random.nextInt(-40, 40));
      }
      String t = text.toString();
      assertEquals(reference(t), parsed(t), t);
    }
  }

  @Test
  void trainingCsv_shortAndLongNumbersSideBySide_readAsTheFullParserReadsThem() throws Exception {
    Path train = dir.resolve("train");
    Files.createDirectories(train);
    String[] fields = {"-0", "16777217", "0.1234567890123", " 2.5 ", "+.5", "1e3", "-NaN", "", "7.", "0.30000001192092896"};
    Files.writeString(train.resolve("a.csv"), "1," + String.join(",", fields) + "\n0," + String.join(",", fields) + "\n");
    ChannelReader csv = new ChannelReader(ContentType.CSV, false, 1, ChannelReader.DEFAULT_BLOCK_BYTES);
    try (ChannelData data = csv.read(FolderChannel.list("train", train, InputMode.FILE))) {
      Batch batch = data.batches().get(0);
      assertEquals(2, batch.rows());
      for (int row = 0; row < 2; row++) {
        for (int i = 0; i < fields.length; i++) {
          String f = fields[i].strip();
          int expected = f.isEmpty() ? Float.floatToRawIntBits(Float.NaN)
              : f.equals("-NaN") ? Float.floatToRawIntBits(Float.NaN) : reference(f);
          assertEquals(expected, Float.floatToRawIntBits(batch.values().get(row * fields.length + i)), fields[i]);
        }
      }
    }
  }
}
