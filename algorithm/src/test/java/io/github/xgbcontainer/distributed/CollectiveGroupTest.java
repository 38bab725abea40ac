package io.github.xgbcontainer.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.error.PlatformError;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real xgboost4j tracker and communicator on loopback. */
class CollectiveGroupTest {

  private final List<String> log = new ArrayList<>();

  private static List<Member> twoHosts() throws Exception {
    return List.of(new Member("algo-1", InetAddress.getByName("127.0.0.1")),
        new Member("algo-2", InetAddress.getByName("127.0.0.2")));
  }

  @Test
  void join_portTaken_namesHostAndPort() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = taken.getLocalPort();
      PlatformError e = assertThrows(PlatformError.class,
          () -> CollectiveGroup.join("roster", twoHosts(), 0, port, 5, 5, log::add));
      assertEquals("cannot start the roster tracker on host algo-1 (127.0.0.1) port " + port + ": Address already in "
          + "use; perhaps another process holds the port: set SM_TRACKER_PORT to a free port (the same on every host; "
          + "the next port is used too)", e.getMessage());
    }
  }

  @Test
  void join_trackerUnreachable_namesHostAndPort() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket()) {
      free.bind(new InetSocketAddress("127.0.0.1", 0));
      port = free.getLocalPort();
    }
    PlatformError e = assertThrows(PlatformError.class,
        () -> CollectiveGroup.join("training", twoHosts(), 1, port, 5, 1, log::add));
    assertTrue(e.getMessage().matches("cannot reach the training tracker on host algo-1 \\(127\\.0\\.0\\.1\\) port "
        + port + " within [0-9]+ s \\(1 attempts\\); perhaps the leader failed to start, or a firewall blocks the port"),
        e.getMessage());
  }

  @Test
  void oneHostGroup_sumsAndClosesCleanly() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket()) {
      free.bind(new InetSocketAddress("127.0.0.1", 0));
      port = free.getLocalPort();
    }
    try (CollectiveGroup group = CollectiveGroup.join("roster", twoHosts().subList(0, 1), 0, port, 10, 10, log::add)) {
      float[] sums = group.sum(new float[] {1f, 7f});
      assertEquals(1f, sums[0]);
      assertEquals(7f, sums[1]);
    }
    assertTrue(log.contains("joined the roster group as rank 0 of 1 (algo-1), dmlc_timeout 10 s"), log::toString);
  }
}
