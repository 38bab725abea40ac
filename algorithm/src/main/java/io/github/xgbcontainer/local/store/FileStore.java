package io.github.xgbcontainer.local.store;

import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** {@code file://} locations: the prefix is a string prefix of absolute paths, as S3 keys are. */
final class FileStore implements ObjectStore {

  @Override
  public List<StoredObject> list(StoreUri prefix) {
    Path start = prefix.key().endsWith("/") ? Path.of(prefix.key()) : Path.of(prefix.key()).getParent();
    if (start == null || !Files.isDirectory(start)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(start)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> p.toString().startsWith(prefix.key()))
          .map(p -> new StoredObject(StoreUri.of(p), size(p)))
          .sorted(Comparator.comparing(o -> o.uri().key()))
          .toList();
    } catch (IOException | UncheckedIOException e) {
      throw new PlatformError("cannot list " + prefix + ": " + e.getMessage(), e);
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public InputStream open(StoreUri object) {
    try {
      return Files.newInputStream(object.path());
    } catch (NoSuchFileException e) {
      throw new UserError(object + " does not exist: perhaps you should check the path", e);
    } catch (IOException e) {
      throw new PlatformError("cannot read " + object + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void upload(Path file, StoreUri target) {
    try {
      Files.createDirectories(target.path().getParent());
      Files.copy(file, target.path(), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new PlatformError("cannot copy " + file + " to " + target + ": " + e.getMessage(), e);
    }
  }
}
