package io.github.xgbcontainer.local;

import java.util.ArrayList;
import java.util.List;

/**
 * A channel's objects, resolved before any host starts.
 *
 * @param request the channel as requested
 * @param objects every object, sorted by key
 */
public record ChannelPlan(TrainingJobRequest.ChannelRequest request, List<ChannelObject> objects) {

  public ChannelPlan {
    objects = List.copyOf(objects);
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
