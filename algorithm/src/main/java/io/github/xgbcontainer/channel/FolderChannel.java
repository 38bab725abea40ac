package io.github.xgbcontainer.channel;

import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.sagemaker.ChannelFiles;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * A channel delivered as a folder (File mode, FastFile mode, EFS and FSx): every regular file
 * under it, recursively, that {@link ChannelFiles} says is read, in its read order. The folder is
 * listed once and each file is opened once, after the previous one was read to its end.
 *
 * <p>In FastFile mode a file may also be a FIFO: SageMaker's FastFile mount shows regular files,
 * but the {@code local} command serves a FastFile channel as one FIFO per S3 object, written on
 * demand, in {@link ChannelFiles#READ_ORDER}. A FIFO cannot be read at random, so its stream has no
 * {@link DataStream#file()} and formats that need to seek (Parquet) spool it first, as in Pipe mode.
 * In File mode a FIFO is skipped with a warning: SageMaker downloads File-mode channels, so a FIFO
 * there was not put by it, and opening one nobody writes would block forever.
 */
public final class FolderChannel implements ChannelSource {

  private static final Logger LOG = Logger.getLogger(FolderChannel.class.getName());
  /** {@code st_mode} file-type bits: the mask and the FIFO type (see {@code stat(2)}). */
  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;

  private final String channel;
  private final List<DataStream> streams;
  private final int fifos;

  private FolderChannel(String channel, List<DataStream> streams, int fifos) {
    this.channel = channel;
    this.streams = List.copyOf(streams);
    this.fifos = fifos;
  }

  /**
   * Lists the folder of a File or FastFile channel.
   *
   * @param mode {@link InputMode#FILE} (regular files only) or {@link InputMode#FAST_FILE} (regular
   *     files and FIFOs)
   * @throws UserError when the folder does not exist
   */
  public static FolderChannel list(String channel, Path folder, InputMode mode) {
    if (mode == InputMode.PIPE) {
      throw new IllegalArgumentException("channel '" + channel + "': a Pipe-mode channel has no folder");
    }
    if (!Files.isDirectory(folder)) {
      throw new UserError("channel '" + channel + "': folder " + folder + " does not exist; "
          + "SageMaker puts " + mode.wireName() + "-mode channel data there (check the channel's S3 location)");
    }
    List<Path> files = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    List<Path> pipes = new ArrayList<>();
    try {
      Files.walkFileTree(folder, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          return !dir.equals(folder) && ChannelFiles.skipped(dir.getFileName().toString())
              ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (ChannelFiles.skipped(file.getFileName().toString())) {
            return FileVisitResult.CONTINUE;
          }
          if (attrs.isRegularFile()) {
            files.add(file);
            sizes.add(attrs.size());
          } else if (attrs.isOther() && isFifo(file)) {
            pipes.add(file);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new PlatformError("channel '" + channel + "': cannot list " + folder + ": " + e.getMessage(), e);
    }
    if (mode == InputMode.FILE) {
      for (Path pipe : pipes) {
        LOG.warning("channel '" + channel + "': skipping " + folder.relativize(pipe) + ": it is a FIFO, and File "
            + "mode reads regular files only; perhaps the channel's TrainingInputMode should be FastFile");
      }
      pipes.clear();
    }
    // Each name is made once, not once per comparison, and by cutting the folder off the path
    // (the walk resolves every path against it): Path.relativize costs more than the file's stat,
    // and a channel may hold 100,000 files.
    int prefix = folder.toString().length() + (folder.toString().endsWith("/") ? 0 : 1);
    List<DataStream> streams = new ArrayList<>(files.size() + pipes.size());
    for (int i = 0; i < files.size(); i++) {
      streams.add(new FileStream(files.get(i).toString().substring(prefix), files.get(i), sizes.get(i)));
    }
    for (Path pipe : pipes) {
      streams.add(new FifoStream(pipe.toString().substring(prefix), pipe));
    }
    streams.sort(Comparator.comparing(DataStream::name, ChannelFiles.READ_ORDER));
    return new FolderChannel(channel, streams, pipes.size());
  }

  /**
   * Whether {@code path} is a FIFO: its {@code st_mode} type bits, through the {@code unix} attribute
   * view (Linux and macOS). Where that view is missing nothing is taken for a FIFO.
   */
  static boolean isFifo(Path path) {
    try {
      Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return mode instanceof Integer m && (m & S_IFMT) == S_IFIFO;
    } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
      return false;
    }
  }

  @Override
  public String channel() {
    return channel;
  }

  @Override
  public List<DataStream> streams() {
    return streams;
  }

  /**
   * Whether the folder holds files and every one of them is empty as its content type reads it: a
   * regular file of 0 bytes when listed (Spark's {@code part-} file of an empty partition), a gzip
   * file that decompresses to nothing, or a file {@code holdsNoRows} says has no rows (a Parquet file
   * of a schema and no rows). A FIFO is never looked into (it can be read once only): it is not empty.
   * The files are looked at in read order until one is not empty, only its first bytes read.
   *
   * @throws PlatformError when a file cannot be read
   */
  public boolean onlyEmptyFiles(Predicate<DataStream> holdsNoRows) {
    return !streams.isEmpty() && streams.stream().allMatch(s -> s instanceof FileStream f
        && (f.size() == 0 || holdsNoRows.test(f) || decompressesToNothing(f)));
  }

  private boolean decompressesToNothing(FileStream file) {
    try (InputStream in = file.open()) {
      return in.read() < 0;
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      return false; // a damaged gzip file: reading it says what is wrong
    } catch (IOException e) {
      throw new PlatformError("channel '" + channel + "': cannot read " + file.name() + ": " + e.getMessage(), e);
    }
  }

  /** How many of the streams are FIFOs (FastFile served on demand); 0 in File mode. */
  public int fifos() {
    return fifos;
  }

  /** A regular file of {@code size} bytes when listed. */
  private record FileStream(String name, Path path, long size) implements DataStream {
    @Override
    public InputStream open() throws IOException {
      return Decompression.unwrap(Files.newInputStream(path), size);
    }

    @Override
    public Optional<Path> file() {
      return Optional.of(path);
    }
  }

  /**
   * A FIFO: read once, front to back; opening blocks until its writer opens the other end. Through
   * a buffered FileInputStream: the channel stream of Files.newInputStream asks its position for
   * available(), and FileInputStream's own readAllBytes asks its length, both of which fail on a
   * FIFO with "Illegal seek".
   */
  private record FifoStream(String name, Path path) implements DataStream {
    @Override
    public InputStream open() throws IOException {
      return Decompression.unwrap(new FileInputStream(path.toFile()));
    }
  }
}
