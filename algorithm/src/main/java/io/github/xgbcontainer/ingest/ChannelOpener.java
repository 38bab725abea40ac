package io.github.xgbcontainer.ingest;

import io.github.xgbcontainer.channel.ChannelSource;
import io.github.xgbcontainer.channel.FolderChannel;
import io.github.xgbcontainer.channel.PipeChannel;
import io.github.xgbcontainer.channel.RecordIoWrappedChannel;
import io.github.xgbcontainer.config.ChannelConfig;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputDataConfig;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.BatchCache;
import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.data.ChannelReader;
import io.github.xgbcontainer.data.parquet.ParquetReader;
import io.github.xgbcontainer.data.recordio.ProtobufRecordReader;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.hyperparameters.Hyperparameters;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Opens a job's train and validation channels: the source by input mode ({@link FolderChannel} for
 * File and FastFile, {@link PipeChannel} for Pipe, wrapped in {@link RecordIoWrappedChannel} when
 * {@code RecordWrapperType} is RecordIO) and the reader by content type, then checks what was read
 * against the hyperparameters. Each folder is listed once: a FastFile folder may be served on demand
 * and must not be listed again.
 */
public final class ChannelOpener {

  private static final Logger LOG = Logger.getLogger(ChannelOpener.class.getName());

  /** How long a Pipe-mode channel waits for SageMaker to open its FIFO ({@code xgbc.pipeOpenSeconds}). */
  static final Duration PIPE_OPEN_TIMEOUT = Duration.ofSeconds(Long.getLong("xgbc.pipeOpenSeconds", 600));
  /** How long an opened FIFO may stay silent before its first byte ({@code xgbc.pipeFirstByteSeconds}). */
  static final Duration PIPE_FIRST_BYTE_TIMEOUT = Duration.ofSeconds(Long.getLong("xgbc.pipeFirstByteSeconds", 600));

  private final SageMakerPaths paths;
  private final InputDataConfig channels;
  private final Hyperparameters hp;
  private final int threads;
  private final Map<String, FolderChannel> listed = new HashMap<>();

  /**
   * @param paths the {@code /opt/ml} layout
   * @param channels the job's channels
   * @param hp the hyperparameters: CSV weights, the query column, the label check
   * @param threads parser threads
   */
  public ChannelOpener(SageMakerPaths paths, InputDataConfig channels, Hyperparameters hp, int threads) {
    this.paths = paths;
    this.channels = channels;
    this.hp = hp;
    this.threads = threads;
  }

  /**
   * Why this host has no data, when a ShardedByS3Key channel gave it no files or only empty ones:
   * 0 bytes, gzip of nothing, Parquet without rows (with ShardedByS3Key a host may get none; it says
   * so in the roster and leaves).
   */
  public Optional<String> missingShard() {
    List<ChannelConfig> used = new ArrayList<>();
    used.add(channels.train());
    channels.validation().ifPresent(used::add);
    for (ChannelConfig channel : used) {
      if (!channel.sharded() || channel.inputMode() == InputMode.PIPE) {
        continue;
      }
      Path folder = paths.channelDir(channel.name());
      if (!Files.isDirectory(folder) || folder(channel).streams().isEmpty()) {
        return Optional.of("no files in channel '" + channel.name() + "' (ShardedByS3Key)");
      }
      boolean parquet = channel.contentType() == ContentType.PARQUET;
      if (folder(channel).onlyEmptyFiles(s -> parquet && s.file().map(ParquetReader::holdsNoRows).orElse(false))) {
        // Spark writes an empty part- file for an empty partition (a schema without rows, for
        // Parquet; gzip around nothing, compressed): that host has no rows either
        return Optional.of("only empty files in channel '" + channel.name() + "' (ShardedByS3Key)");
      }
    }
    return Optional.empty();
  }

  /** A channel's folder (File and FastFile mode). */
  public Path channelDir(String channel) {
    return paths.channelDir(channel);
  }

  /** Reads the train channel, then the validation channel; on failure nothing read stays allocated. */
  public TrainingData read() {
    return read(null);
  }

  /**
   * {@link #read()}, every parsed batch moved to {@code cache} as it is parsed (external memory);
   * {@code null} keeps them in memory.
   */
  public TrainingData read(BatchCache cache) {
    ChannelData train = read(channels.train(), cache);
    try {
      return new TrainingData(train, channels.validation().map(c -> read(c, cache)));
    } catch (RuntimeException | Error e) {
      train.close();
      throw e;
    }
  }

  /**
   * The data as training takes it: the validation channel aligned to the train channel's features,
   * the feature count checked against the hyperparameters, every label checked against the objective.
   *
   * @throws UserError naming the channel (and row) that does not fit
   */
  public TrainingData check(TrainingData data) {
    ChannelData train = data.train();
    Optional<ChannelData> validation = data.validation()
        .map(v -> alignFeatures(train, v, channels.validation().orElseThrow().contentType()));
    hp.checkFeatureCount(train.features());
    checkLabels(train, hp);
    validation.ifPresent(v -> checkLabels(v, hp));
    return new TrainingData(train, validation);
  }

  /** A File or FastFile channel's folder, listed on the first call for it. */
  private FolderChannel folder(ChannelConfig channel) {
    return listed.computeIfAbsent(channel.name(), name -> FolderChannel.list(name, paths.channelDir(name), channel.inputMode()));
  }

  private ChannelData read(ChannelConfig channel, BatchCache cache) {
    String name = channel.name();
    ContentType type = channel.contentType();
    LOG.info("channel '" + name + "': " + type.mimeType() + ", " + channel.inputMode().wireName() + " mode"
        + (channel.sharded() ? ", ShardedByS3Key" : ", FullyReplicated")
        + (channel.recordIoWrapped() ? ", RecordWrapperType RecordIO" : ""));
    ChannelSource source = switch (channel.inputMode()) {
      case PIPE -> {
        Path pipe = paths.channelPipe(name, 0);
        LOG.info("channel '" + name + "': reading pipe " + pipe + " (epoch 0) as a stream");
        yield new PipeChannel(name, pipe, PIPE_OPEN_TIMEOUT, PIPE_FIRST_BYTE_TIMEOUT);
      }
      // FastFile mounts stream from S3 as they are read: the folder is listed once and each file
      // read once, front to back, exactly as in File mode. The local command serves FastFile as
      // FIFOs written on demand in the same order (sagemaker.ChannelFiles).
      case FILE, FAST_FILE -> {
        FolderChannel folder = folder(channel);
        if (folder.fifos() > 0) {
          LOG.info("channel '" + name + "': " + folder.fifos() + " of " + folder.streams().size() + " file(s) are FIFOs "
              + "served on demand (FastFile): each is read once, front to back, in path order"
              + (type == ContentType.PARQUET ? "; Parquet needs random access, so each is spooled first" : ""));
        }
        yield folder;
      }
    };
    if (channel.recordIoWrapped()) {
      source = new RecordIoWrappedChannel(source, type.isText());
    }
    ChannelReader reader = switch (type) {
      case CSV, LIBSVM -> new ChannelReader(type, hp.csvWeights(), threads);
      case PARQUET -> new ChannelReader(type, new ParquetReader(spoolDir(), threads));
      case RECORDIO_PROTOBUF -> new ChannelReader(type, new ProtobufRecordReader());
      case JSON, JSON_LINES -> throw new IllegalStateException("ContentType.parse refuses " + type + " for channels");
    };
    if (hp.queryColumn().isPresent()) {
      reader = reader.withQueryColumn(hp.queryColumn().getAsInt());
    }
    if (cache != null) {
      reader = reader.withCache(cache);
    } else if (type == ContentType.CSV && hp.quantileMatrix() && hp.kfold().isEmpty()) {
      // read once into a quantised matrix, whose build decodes the packed values batch by batch;
      // cross-validation's folds and the plain matrix would turn them back into floats first
      reader = reader.withPackedDecimals();
    }
    if (!channel.contentTypeGiven()) {
      reader = reader.withContentTypeDefaulted();
    }
    ChannelData data = reader.read(source);
    if (hp.ranks() && !data.hasGroups()) {
      LOG.warning("objective " + hp.objective() + " but channel '" + name + "' has no query ids: XGBoost ranks all"
          + " its rows as one query; give LibSVM rows 'qid:' after the label, or set query_column for CSV and Parquet");
    }
    return data;
  }

  /** Where a piped Parquet stream is written before it is read: the JVM's temporary folder. */
  private static Path spoolDir() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** Validation must have the training channel's features: CSV exactly, LibSVM at most as many. */
  static ChannelData alignFeatures(ChannelData train, ChannelData validation, ContentType type) {
    if (validation.features() == train.features()) {
      return validation;
    }
    if (type != ContentType.CSV && type != ContentType.PARQUET && validation.features() < train.features()) {
      return validation.withFeatures(train.features());
    }
    throw new UserError("channel 'train' has " + train.features() + " features but channel 'validation' has "
        + validation.features() + ": both channels must have the same feature columns in the same order");
  }

  static void checkLabels(ChannelData data, Hyperparameters hp) {
    Hyperparameters.LabelCheck check = hp.labelCheck();
    long row = 0;
    for (Batch batch : data.batches()) {
      FloatBuffer labels = batch.labels();
      for (int i = 0; i < batch.rows(); i++, row++) {
        Optional<String> problem = check.problem(labels.get(i));
        if (problem.isPresent()) {
          throw new UserError("channel '" + data.channel() + "', row " + (row + 1) + ": " + problem.get());
        }
      }
    }
  }
}
