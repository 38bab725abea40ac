package io.github.xgbcontainer.local.plan;

import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.error.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A channel's objects, resolved before any host starts.
 *
 * <p>In File and FastFile mode each object becomes a file under the channel folder, at its name
 * relative to the S3Uri's folder. S3 keys are plain strings, so distinct keys can name one path
 * ({@code train/a.csv}, {@code train/./a.csv}, {@code train//a.csv}), the folder itself
 * ({@code train/x/..}), or a path another key needs as a folder ({@code train/a} beside
 * {@code train/a/b.csv}). Such a channel is refused here, naming both keys, rather than downloaded
 * one object over another or a file over the channel folder.
 *
 * @param request the channel as requested
 * @param objects every object, sorted by key
 * @throws UserError when two objects of a File or FastFile channel need one path, or one names no
 *     file in the channel folder
 */
public record ChannelPlan(TrainingJobRequest.ChannelRequest request, List<ChannelObject> objects) {

  public ChannelPlan {
    objects = List.copyOf(objects);
    if (request.inputMode() != InputMode.PIPE) { // Pipe streams every object into one FIFO: names make no paths
      checkLocalPaths(request.name(), objects);
    }
  }

  private static void checkLocalPaths(String channel, List<ChannelObject> objects) {
    Map<Path, ChannelObject> files = new HashMap<>();
    for (ChannelObject o : objects) {
      Path local = o.relativePath();
      if (local.toString().isEmpty() || local.startsWith("..")) {
        throw new UserError("channel '" + channel + "': object " + o.uri() + " names " + (local.toString().isEmpty()
            ? "the channel folder itself" : "'" + local + "', outside the channel folder") + ", not a file in it; "
            + "perhaps you should rename the object");
      }
      ChannelObject before = files.putIfAbsent(local, o);
      if (before != null) {
        throw new UserError("channel '" + channel + "': objects " + before.uri() + " and " + o.uri() + " both map to '"
            + local + "' in the channel folder; perhaps you should " + (before.uri().equals(o.uri())
            ? "list each key only once in the manifest" : "rename or remove one of them"));
      }
    }
    for (ChannelObject o : objects) { // in key order, so the message is the same on every run
      Path local = o.relativePath();
      for (Path folder = local.getParent(); folder != null; folder = folder.getParent()) {
        ChannelObject file = files.get(folder);
        if (file != null) {
          throw new UserError("channel '" + channel + "': object " + file.uri() + " is the file '" + folder + "' and "
              + "object " + o.uri() + " needs '" + folder + "' as a folder; perhaps you should rename one of them");
        }
      }
    }
  }

  /** The objects host {@code rank} (0-based, of {@code hosts}) receives: all, or its shard. */
  public List<ChannelObject> forHost(int rank, int hosts) {
    return request.sharded() ? shard(objects, rank, hosts) : objects;
  }

  /**
   * ShardedByS3Key: SageMaker documents only that each of n hosts gets about 1/n of the objects.
   * The rule here is deterministic: objects sorted by key, object i goes to the host of rank
   * {@code i mod n}, so shard sizes differ by at most one object.
   */
  public static <T> List<T> shard(List<T> sorted, int rank, int hosts) {
    if (hosts < 1 || rank < 0 || rank >= hosts) {
      throw new IllegalArgumentException("rank " + rank + " of " + hosts + " hosts");
    }
    List<T> out = new ArrayList<>();
    for (int i = rank; i < sorted.size(); i += hosts) {
      out.add(sorted.get(i));
    }
    return out;
  }
}
