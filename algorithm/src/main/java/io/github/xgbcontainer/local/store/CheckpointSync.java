package io.github.xgbcontainer.local.store;

import io.github.xgbcontainer.error.PlatformError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Mirrors the hosts' checkpoint folders to CheckpointConfig.S3Uri as SageMaker does: every
 * {@code interval} while the job runs, and once more when the hosts have exited. Each pass uploads
 * only the files that are new or changed (size or modification time) since their last upload.
 * Names starting with a dot are skipped (the trainer's temporary files before their atomic rename,
 * markers such as SageMaker's {@code .sagemaker-uploading}), as are {@code *.tmp} files, the
 * {@code <name>.sagemaker-uploading} markers and any file with such a marker beside it. Files deleted locally stay in S3, as on
 * SageMaker.
 *
 * <p>Before the hosts start, {@link #restore} copies what is already under the URI into every
 * host's folder, which is how a restarted job resumes from its checkpoints.
 *
 * <p>See https://docs.aws.amazon.com/sagemaker/latest/dg/model-checkpoints.html
 */
public final class CheckpointSync implements AutoCloseable {

  static final String UPLOADING = ".sagemaker-uploading";
  private static final Logger LOG = Logger.getLogger(CheckpointSync.class.getName());

  private record Version(long size, long modifiedMillis) {}

  private final ObjectStores stores;
  private final StoreUri target;
  private final List<Path> dirs;
  private final Map<Path, Version> uploaded = new HashMap<>();
  /** Held through a pass (and a restore): passes never overlap, and close() waits for one. */
  private final Object pass = new Object();
  private ScheduledExecutorService timer;

  /**
   * @param target CheckpointConfig.S3Uri
   * @param dirs each host's checkpoint folder on this machine
   */
  public CheckpointSync(ObjectStores stores, StoreUri target, List<Path> dirs) {
    this.stores = stores;
    this.target = target;
    this.dirs = List.copyOf(dirs);
  }

  /** Copies every object under the URI into each host's folder; returns how many objects. */
  public int restore() {
    synchronized (pass) {
      return restoreAll();
    }
  }

  private int restoreAll() {
    StoreUri prefix = target.key().isEmpty() || target.key().endsWith("/") ? target
        : new StoreUri(target.scheme(), target.bucket(), target.key() + "/");
    ObjectStore store = stores.forUri(prefix);
    List<StoredObject> objects = store.list(prefix);
    for (Path dir : dirs) {
      for (StoredObject o : objects) {
        Path file = dir.resolve(o.uri().key().substring(prefix.key().length())).normalize();
        if (!file.startsWith(dir)) {
          throw new PlatformError("checkpoint object " + o.uri() + " leaves the checkpoint folder " + dir);
        }
        store.download(o, file);
        remember(file);
      }
    }
    if (!objects.isEmpty()) {
      LOG.info("restored " + objects.size() + " checkpoint files from " + target);
    }
    return objects.size();
  }

  /** Starts the periodic passes; a failed pass is logged and the next one tries again. */
  public synchronized void start(Duration interval) {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "checkpoint-sync");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        syncOnce();
      } catch (RuntimeException e) {
        LOG.warning("checkpoint sync to " + target + " failed, retrying in " + interval.toSeconds() + " s: " + e.getMessage());
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops the periodic passes, waiting for one in progress. */
  @Override
  public synchronized void close() {
    if (timer == null) {
      return;
    }
    timer.shutdown();
    try {
      if (!timer.awaitTermination(5, TimeUnit.MINUTES)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      timer.shutdownNow();
    }
    timer = null;
  }

  /** One pass: uploads new and changed files; returns how many went up. */
  public int syncOnce() {
    synchronized (pass) {
      return syncAll();
    }
  }

  private int syncAll() {
    int count = 0;
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> files;
      try (Stream<Path> walk = Files.walk(dir)) {
        files = walk.filter(Files::isRegularFile).filter(f -> wanted(dir, f)).sorted().toList();
      } catch (IOException | UncheckedIOException e) {
        throw new PlatformError("cannot list the checkpoint folder " + dir + ": " + e.getMessage(), e);
      }
      for (Path f : files) {
        count += upload(dir, f) ? 1 : 0;
      }
    }
    return count;
  }

  private boolean upload(Path dir, Path file) {
    Version now;
    try {
      now = version(file);
    } catch (NoSuchFileException gone) {
      return false; // pruned by the trainer since the listing
    } catch (IOException e) {
      throw new PlatformError("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (now.equals(uploaded.get(file))) {
      return false;
    }
    StoreUri uri = target.child(dir.relativize(file).toString().replace('\\', '/'));
    try {
      stores.forUri(uri).upload(file, uri);
    } catch (PlatformError e) {
      if (!Files.exists(file)) {
        return false; // deleted while it went up: nothing to keep
      }
      throw e;
    }
    uploaded.put(file, now);
    return true;
  }

  private void remember(Path file) {
    try {
      uploaded.put(file, version(file));
    } catch (IOException e) {
      throw new PlatformError("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean wanted(Path dir, Path file) {
    for (Path part : dir.relativize(file)) {
      if (part.toString().startsWith(".")) {
        return false;
      }
    }
    String name = file.getFileName().toString();
    return !name.endsWith(".tmp") && !name.endsWith(UPLOADING) && !Files.exists(file.resolveSibling(name + UPLOADING));
  }

  private static Version version(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return new Version(a.size(), a.lastModifiedTime().toMillis());
  }
}
