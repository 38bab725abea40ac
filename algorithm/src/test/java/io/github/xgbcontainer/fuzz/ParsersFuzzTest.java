package io.github.xgbcontainer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.xgbcontainer.channel.ChannelSource;
import io.github.xgbcontainer.channel.DataStream;
import io.github.xgbcontainer.channel.MalformedStreamException;
import io.github.xgbcontainer.channel.RecordIoFrames;
import io.github.xgbcontainer.channel.RecordIoWrappedChannel;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputDataConfig;
import io.github.xgbcontainer.config.JsonFiles;
import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.data.ChannelReader;
import io.github.xgbcontainer.data.recordio.ProtobufRecordReader;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.hyperparameters.Hyperparameters;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Each parser on arbitrary bytes: it returns rows or throws a {@link UserError}; any other
 * exception, a hang or an allocation a length field asked for fails the test.
 */
class ParsersFuzzTest {

  private static final Path SCRATCH = scratch();

  /** A channel of one in-memory stream: bytes as a file would deliver them. */
  private record Bytes(byte[] data) implements ChannelSource, DataStream {
    @Override
    public String channel() {
      return "train";
    }

    @Override
    public List<DataStream> streams() {
      return List.of(this);
    }

    @Override
    public String name() {
      return "fuzz";
    }

    @Override
    public InputStream open() {
      return new ByteArrayInputStream(data);
    }
  }

  private static void readOrUserError(ChannelReader reader, ChannelSource source) {
    try (ChannelData data = reader.read(source)) {
      data.rows();
    } catch (UserError expected) {
      // malformed input, reported to the user
    }
  }

  @FuzzTest(maxDuration = "10s")
  void csv(byte[] input) {
    readOrUserError(new ChannelReader(ContentType.CSV, false, 1), new Bytes(input));
  }

  @FuzzTest(maxDuration = "10s")
  void csvWithWeights(byte[] input) {
    readOrUserError(new ChannelReader(ContentType.CSV, true, 1), new Bytes(input));
  }

  @FuzzTest(maxDuration = "10s")
  void libsvm(byte[] input) {
    readOrUserError(new ChannelReader(ContentType.LIBSVM, false, 1), new Bytes(input));
  }

  @FuzzTest(maxDuration = "10s")
  void recordIoWrappedCsv(byte[] input) {
    readOrUserError(new ChannelReader(ContentType.CSV, false, 1), new RecordIoWrappedChannel(new Bytes(input), true));
  }

  @FuzzTest(maxDuration = "10s")
  void recordIoFrames(byte[] input) throws IOException {
    RecordIoFrames frames = new RecordIoFrames(new ByteArrayInputStream(input));
    try {
      while (frames.next()) {
        if (frames.length() > input.length) {
          throw new AssertionError("a record longer than the stream: " + frames.length());
        }
      }
    } catch (MalformedStreamException expected) {
      // reported with its byte offset
    }
  }

  @FuzzTest(maxDuration = "10s")
  void protobufRecords(byte[] input) {
    readOrUserError(new ChannelReader(ContentType.RECORDIO_PROTOBUF, new ProtobufRecordReader()), new Bytes(input));
  }

  @FuzzTest(maxDuration = "10s")
  void inputDataConfig(byte[] input) throws IOException {
    Path file = SCRATCH.resolve("inputdataconfig.json");
    Files.write(file, input);
    try {
      InputDataConfig.load(file, SCRATCH.resolve("data"));
    } catch (UserError expected) {
      // named key and file
    }
  }

  @FuzzTest(maxDuration = "10s")
  void hyperparameters(byte[] input) throws IOException {
    Path file = SCRATCH.resolve("hyperparameters.json");
    Files.write(file, input);
    try {
      Hyperparameters.parse(JsonFiles.readStringMap(file));
    } catch (UserError expected) {
      // named key and value
    }
  }

  private static Path scratch() {
    try {
      Path dir = Files.createTempDirectory("fuzz");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
