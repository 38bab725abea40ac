package io.github.xgbcontainer.local.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChannelPlanTest {

  @Test
  void shard_givesEachOfThreeHostsEveryThirdObjectInKeyOrder() {
    List<String> keys = IntStream.range(0, 10).mapToObj(i -> "k" + i).toList();
    assertEquals(List.of("k0", "k3", "k6", "k9"), ChannelPlan.shard(keys, 0, 3));
    assertEquals(List.of("k1", "k4", "k7"), ChannelPlan.shard(keys, 1, 3));
    assertEquals(List.of("k2", "k5", "k8"), ChannelPlan.shard(keys, 2, 3));
  }

  @Test
  void shard_leavesHostsBeyondTheObjectCountEmpty() {
    assertEquals(List.of(), ChannelPlan.shard(List.of("a", "b"), 2, 3));
  }
}
