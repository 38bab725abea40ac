package io.github.xgbcontainer.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.xgbcontainer.error.PlatformError;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The back-off with a resolver whose hosts appear after some attempts; sleeps are recorded, not slept. */
class HostResolverTest {

  private final List<Duration> sleeps = new ArrayList<>();
  private final List<String> log = new ArrayList<>();

  private HostResolver resolver(int failuresBeforeAlgo2Resolves) {
    int[] calls = {0};
    return new HostResolver(host -> {
      if (host.equals("algo-2") && calls[0]++ < failuresBeforeAlgo2Resolves) {
        throw new UnknownHostException(host);
      }
      return InetAddress.getByAddress(host, new byte[] {127, 0, 0, (byte) (host.charAt(5) - '0')});
    }, sleeps::add, log::add);
  }

  @Test
  void resolveAll_waitsWithDoublingDelaysForALateHost() {
    List<InetAddress> addresses = resolver(4).resolveAll(List.of("algo-1", "algo-2"), Duration.ofSeconds(900));
    assertEquals("127.0.0.2", addresses.get(1).getHostAddress());
    assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)),
        sleeps);
    assertEquals("host 'algo-2' does not resolve yet (attempt 1); retrying in 0.5 s", log.get(0));
  }

  @Test
  void resolveAll_delaysAreCappedAtThirtySeconds() {
    resolver(10).resolveAll(List.of("algo-2"), Duration.ofSeconds(900));
    assertEquals(Duration.ofSeconds(30), sleeps.get(9));
    assertEquals(Duration.ofSeconds(16), sleeps.get(5));
  }

  @Test
  void resolveAll_givesUpAfterTheWait_namingTheHostAndTheVariable() {
    PlatformError e = assertThrows(PlatformError.class,
        () -> resolver(1000).resolveAll(List.of("algo-1", "algo-2"), Duration.ofSeconds(10)));
    assertEquals("host 'algo-2' did not resolve within 10 s (6 attempts); perhaps it failed to start, or you should "
        + "raise SM_HOST_WAIT_SECONDS", e.getMessage());
    assertEquals(10_000, sleeps.stream().mapToLong(Duration::toMillis).sum());
  }
}
