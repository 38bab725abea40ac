package io.github.xgbcontainer.channel;

import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A channel delivered as a folder (File mode, FastFile mode, EFS and FSx): every regular file
 * under it, recursively, ordered by relative path. Names starting with {@code .} (hidden files,
 * {@code .sagemaker-uploading} markers) or {@code _} ({@code _SUCCESS}, {@code _temporary}) are
 * skipped. The folder is listed once.
 */
public final class FolderChannel implements ChannelSource {

  private final String channel;
  private final List<DataStream> streams;

  private FolderChannel(String channel, List<DataStream> streams) {
    this.channel = channel;
    this.streams = List.copyOf(streams);
  }

  /**
   * Lists the folder.
   *
   * @throws UserError when the folder does not exist
   */
  public static FolderChannel list(String channel, Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new UserError("channel '" + channel + "': folder " + folder + " does not exist; "
          + "SageMaker puts File-mode channel data there (check the channel's S3 location)");
    }
    List<Path> files = new ArrayList<>();
    try {
      Files.walkFileTree(folder, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          return !dir.equals(folder) && skipped(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile() && !skipped(file)) {
            files.add(file);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new PlatformError("channel '" + channel + "': cannot list " + folder + ": " + e.getMessage(), e);
    }
    files.sort(Comparator.comparing(p -> folder.relativize(p).toString()));
    List<DataStream> streams = new ArrayList<>(files.size());
    for (Path file : files) {
      streams.add(new FileStream(folder.relativize(file).toString(), file));
    }
    return new FolderChannel(channel, streams);
  }

  private static boolean skipped(Path path) {
    String name = path.getFileName().toString();
    return name.startsWith(".") || name.startsWith("_");
  }

  @Override
  public String channel() {
    return channel;
  }

  @Override
  public List<DataStream> streams() {
    return streams;
  }

  private record FileStream(String name, Path path) implements DataStream {
    @Override
    public InputStream open() throws IOException {
      return Decompression.unwrap(Files.newInputStream(path));
    }

    @Override
    public Optional<Path> file() {
      return Optional.of(path);
    }
  }
}
