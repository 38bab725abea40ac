package io.github.xgbcontainer.distributed;

import io.github.xgbcontainer.error.PlatformError;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Resolves every host's name to an address, waiting with exponential back-off for hosts that come
 * up late (SageMaker's toolkit waits up to 15 minutes for the same reason). Resolution goes through
 * the JVM ({@link InetAddress}), so the JDK's {@code jdk.net.hosts.file} applies; the native side
 * only ever sees the addresses resolved here.
 */
public final class HostResolver {

  /** Name to address; the JVM's resolver in production. */
  @FunctionalInterface
  public interface Lookup {
    InetAddress resolve(String host) throws UnknownHostException;
  }

  /** Sleeps; {@link Thread#sleep} in production. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  static final Duration FIRST_DELAY = Duration.ofMillis(500);
  static final Duration MAX_DELAY = Duration.ofSeconds(30);

  private final Lookup lookup;
  private final Sleeper sleeper;
  private final Consumer<String> log;

  public HostResolver(Lookup lookup, Sleeper sleeper, Consumer<String> log) {
    this.lookup = lookup;
    this.sleeper = sleeper;
    this.log = log;
  }

  /** The JVM's resolver and real sleeps. */
  public static HostResolver system(Consumer<String> log) {
    return new HostResolver(InetAddress::getByName, d -> Thread.sleep(d.toMillis()), log);
  }

  /**
   * Resolves each host in turn; the wait is shared by all of them.
   *
   * @throws PlatformError naming the host that did not resolve within {@code wait}
   */
  public List<InetAddress> resolveAll(List<String> hosts, Duration wait) {
    long waitedMillis = 0;
    List<InetAddress> addresses = new ArrayList<>();
    for (String host : hosts) {
      Duration delay = FIRST_DELAY;
      for (int attempt = 1; ; attempt++) {
        try {
          addresses.add(lookup.resolve(host));
          break;
        } catch (UnknownHostException e) {
          if (waitedMillis >= wait.toMillis()) {
            throw new PlatformError(String.format(Locale.ROOT,
                "host '%s' did not resolve within %d s (%d attempts); perhaps it failed to start, or you "
                + "should raise %s", host, wait.toSeconds(), attempt, ClusterSettings.HOST_WAIT_ENV), e);
          }
          long sleep = Math.min(delay.toMillis(), wait.toMillis() - waitedMillis);
          log.accept(String.format(Locale.ROOT, "host '%s' does not resolve yet (attempt %d); retrying in %.1f s",
              host, attempt, sleep / 1000.0));
          try {
            sleeper.sleep(Duration.ofMillis(sleep));
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new PlatformError("interrupted while waiting for host '" + host + "' to resolve", ie);
          }
          waitedMillis += sleep;
          delay = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
        }
      }
    }
    return addresses;
  }
}
