package io.github.xgbcontainer.distributed;

import java.net.InetAddress;

/**
 * One host of a collective group.
 *
 * @param host the host's name from {@code resourceconfig.json}, e.g. {@code algo-2}
 * @param address its address as the JVM resolved it
 */
public record Member(String host, InetAddress address) {

  /** {@code algo-2 (10.0.0.12)}, for messages. */
  public String describe() {
    return host + " (" + address.getHostAddress() + ")";
  }
}
