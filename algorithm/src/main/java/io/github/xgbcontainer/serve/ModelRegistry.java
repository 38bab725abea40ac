package io.github.xgbcontainer.serve;

import io.github.xgbcontainer.error.ContainerException;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The models of a multi-model endpoint ({@code SAGEMAKER_MULTI_MODEL=true}), as SageMaker's
 * contract for such containers asks: loaded from a local folder on {@code POST /models}, in the
 * background (a load holds no request thread, and the others go on predicting), listed, described,
 * unloaded, and kept within a memory budget: a model counts for the bytes of its model files
 * (XGBoost's trees take about as much in memory as in UBJSON), and one that does not fit makes room
 * by unloading the least recently used models that are loaded. One larger than the whole budget,
 * or one that cannot fit because everything else is still loading, is refused (507).
 *
 * @see <a href="https://docs.aws.amazon.com/sagemaker/latest/dg/mms-container-apis.html">Contract for custom containers for multi-model endpoints</a>
 */
final class ModelRegistry implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ModelRegistry.class.getName());
  private static final long MIB = 1024L * 1024L;

  /** A registered model: loading or loaded. */
  static final class Entry {
    final String name;
    final String url;
    final long bytes;
    final CompletableFuture<ServedModel> model = new CompletableFuture<>();
    final AtomicLong lastUsed = new AtomicLong(System.nanoTime());

    Entry(String name, String url, long bytes) {
      this.name = name;
      this.url = url;
      this.bytes = bytes;
    }

    boolean loaded() {
      return model.isDone() && !model.isCompletedExceptionally();
    }
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final long budget;
  private final boolean ensemble;
  private final String device;
  private final String inferenceOutput;
  private final ExecutorService loader;
  private long reserved;

  ModelRegistry(long budget, boolean ensemble, String device, String inferenceOutput, int threads) {
    this.budget = budget;
    this.ensemble = ensemble;
    this.device = device;
    this.inferenceOutput = inferenceOutput;
    this.loader = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, "model-loader");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Registers {@code name} and loads the model folder {@code url} in the background, unloading the
   * least recently used models first when it does not fit.
   *
   * @return the entry, whose future completes when the model is loaded (or fails to)
   * @throws HttpFailure 409 when the name is taken, 404 when {@code url} is not a folder of models,
   *     507 when the model cannot be loaded within the budget
   */
  Entry load(String name, String url) {
    Path folder = Path.of(url);
    long bytes = folderBytes(folder);
    List<Entry> evicted = new ArrayList<>();
    Entry entry;
    synchronized (this) {
      if (entries.containsKey(name)) {
        throw new HttpFailure(409, "ConflictStatusException", "Model " + name + " is already registered.");
      }
      if (bytes > budget) {
        throw insufficient(name, bytes, "over the whole budget of " + mb(budget) + " (XGBC_MULTI_MODEL_MEMORY_MB)"
            + ", perhaps you should raise XGBC_MULTI_MODEL_MEMORY_MB or use an instance with more memory");
      }
      List<Entry> byAge = new ArrayList<>(entries.values());
      byAge.sort((a, b) -> Long.compare(a.lastUsed.get(), b.lastUsed.get()));
      long free = budget - reserved;
      for (Entry old : byAge) {
        if (free >= bytes) {
          break;
        }
        if (old.loaded()) {
          evicted.add(old);
          free += old.bytes;
        }
      }
      if (free < bytes) {
        throw insufficient(name, bytes, "and only " + mb(free) + " of the budget of " + mb(budget) + " can be freed"
            + " (the rest is models still loading), perhaps you should load it again once they are loaded");
      }
      for (Entry old : evicted) {
        entries.remove(old.name);
        reserved -= old.bytes;
      }
      entry = new Entry(name, url, bytes);
      entries.put(name, entry);
      reserved += bytes;
    }
    loader.execute(() -> {
      for (Entry old : evicted) {
        LOG.info("unloading model '" + old.name + "' (" + mb(old.bytes) + "), the least recently used, to make"
            + " room for '" + name + "' (" + mb(bytes) + ") within " + mb(budget));
        old.model.join().close();
      }
      long start = System.nanoTime();
      try {
        ServedModel model = ServedModel.loadFolder(folder, ensemble, device);
        try {
          model.answering(inferenceOutput);
        } catch (RuntimeException e) {
          model.close();
          throw e;
        }
        LOG.info("loaded model '" + name + "' from " + url + " (" + String.join(", ", model.files()) + "; "
            + mb(bytes) + ", " + model.objective() + ", " + model.features() + " features) in "
            + (System.nanoTime() - start) / 1_000_000 + " ms; " + mb(used()) + " of " + mb(budget) + " in use");
        entry.model.complete(model);
      } catch (RuntimeException | Error e) {
        LOG.warning("cannot load model '" + name + "' from " + url + ": " + e.getMessage());
        synchronized (this) {
          if (entries.get(name) == entry) {
            entries.remove(name);
            reserved -= bytes;
          }
        }
        entry.model.completeExceptionally(e);
      }
    });
    return entry;
  }

  /** The entry of {@code name}, marked as used now, or {@code null}. */
  synchronized Entry use(String name) {
    Entry entry = entries.get(name);
    if (entry != null) {
      entry.lastUsed.set(System.nanoTime());
    }
    return entry;
  }

  /** The entry of {@code name} without marking it used, or {@code null}. */
  synchronized Entry get(String name) {
    return entries.get(name);
  }

  /** The registered models, in the order they were loaded. */
  synchronized List<Entry> list() {
    return List.copyOf(entries.values());
  }

  /**
   * Unloads {@code name}; requests predicting with it finish first.
   *
   * @return false when no such model is registered
   */
  boolean unload(String name) {
    Entry entry;
    synchronized (this) {
      entry = entries.remove(name);
      if (entry == null) {
        return false;
      }
      reserved -= entry.bytes;
    }
    entry.model.whenComplete((model, failure) -> {
      if (model != null) {
        model.close();
        LOG.info("unloaded model '" + name + "' (" + mb(entry.bytes) + ")");
      }
    });
    return true;
  }

  /** The bytes the registered models count for. */
  synchronized long used() {
    return reserved;
  }

  long budget() {
    return budget;
  }

  private static HttpFailure insufficient(String name, long bytes, String why) {
    return new HttpFailure(507, "InsufficientMemoryException", "Model " + name + " needs " + mb(bytes) + " "
        + why);
  }

  /** The bytes of the files directly in a model folder, what loading it will take. */
  private static long folderBytes(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new HttpFailure(404, "ModelNotFoundException", "Model not found at url " + folder
          + ": it is not a folder, perhaps you should point url at the folder the model.tar.gz was unpacked into");
    }
    long total = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
      for (Path file : files) {
        if (!Files.isDirectory(file) && !file.getFileName().toString().startsWith(".")) {
          total += Files.size(file);
        }
      }
    } catch (IOException e) {
      throw new HttpFailure(404, "ModelNotFoundException", "Model not found at url " + folder + ": "
          + e.getMessage());
    }
    return total;
  }

  /** A size for the log and the answers: KiB below a MiB, MiB above. */
  static String mb(long bytes) {
    return bytes < MIB ? String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0)
        : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
  }

  @Override
  public void close() {
    loader.shutdownNow();
    List<Entry> all;
    synchronized (this) {
      all = List.copyOf(entries.values());
      entries.clear();
      reserved = 0;
    }
    for (Entry entry : all) {
      entry.model.whenComplete((model, failure) -> {
        if (model != null) {
          model.close();
        }
      });
    }
  }

  /** The failure a load ended with, as the request that asked for it is answered. */
  static RuntimeException loadFailure(Throwable failure) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof UserError user) {
      return new HttpFailure(400, "ModelLoadException", user.getMessage());
    }
    if (cause instanceof ContainerException container) {
      return new HttpFailure(500, "ModelLoadException", container.getMessage());
    }
    return new HttpFailure(500, "ModelLoadException", String.valueOf(cause));
  }
}
