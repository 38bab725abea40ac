package io.github.xgbcontainer.distributed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Tells which host a broken collective lost. XGBoost's error says only that a socket failed or
 * timed out, so every host answers its name on a small TCP port while it trains; after a failure
 * the survivors ask the others. A killed host refuses the connection; a frozen one (SIGSTOP)
 * accepts in the kernel but never answers, so the read times out. Survivors do not detect the
 * failure at the same moment (each waits out its own collective timeout), so a survivor first tells
 * every other host that it is alive: one that has already exited was still known to be a survivor.
 */
public final class PeerProbe implements AutoCloseable {

  private static final int PROBE_TIMEOUT_MILLIS = 2_000;

  private static final String SURVIVOR = "survivor ";

  private final ServerSocket server;
  private final Thread responder;
  private final java.util.Set<String> survivors = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private PeerProbe(ServerSocket server, String host) {
    this.server = server;
    byte[] name = (host + "\n").getBytes(StandardCharsets.UTF_8);
    this.responder = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
          out.write(name);
          out.flush();
          // a survivor's notice follows the name; a plain probe just hangs up
          s.setSoTimeout(500);
          String line = new String(s.getInputStream().readNBytes(256), StandardCharsets.UTF_8).strip();
          if (line.startsWith(SURVIVOR)) {
            survivors.add(line.substring(SURVIVOR.length()));
          }
        } catch (IOException e) {
          // closed, or a prober that went away: keep answering until closed
        }
      }
    }, "peer-probe");
    responder.setDaemon(true);
    responder.start();
  }

  /** Answers on {@code self}'s address and {@code port}; empty (with a log line) when the port is taken. */
  public static Optional<PeerProbe> answer(Member self, int port, Consumer<String> log) {
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(self.address(), port));
      return Optional.of(new PeerProbe(server, self.host()));
    } catch (IOException e) {
      log.accept("cannot answer liveness probes on " + self.describe() + " port " + port + " (" + e.getMessage()
          + "): a failure will not name the lost host");
      return Optional.empty();
    }
  }

  /** Hosts that told this one they survived a failure of the group. */
  public java.util.Set<String> survivors() {
    return java.util.Set.copyOf(survivors);
  }

  /** Tells every member of {@code others} that {@code self} survived, in parallel; best effort. */
  public static void announceSurvival(Member self, List<Member> others, int port) {
    forEachInParallel(others, "announce", other -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(other.address(), port), PROBE_TIMEOUT_MILLIS);
        s.setSoTimeout(PROBE_TIMEOUT_MILLIS);
        s.getInputStream().readNBytes(other.host().length() + 1);
        OutputStream out = s.getOutputStream();
        out.write((SURVIVOR + self.host() + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        s.shutdownOutput();
      } catch (IOException e) {
        // that host is gone or frozen: the probe that follows finds out
      }
      return true;
    });
  }

  /** The members among {@code others} that do not answer with their name within two seconds each, in parallel. */
  public static List<Member> unanswered(List<Member> others, int port) {
    boolean[] answered = forEachInParallel(others, "probe", member -> answers(member, port));
    List<Member> lost = new ArrayList<>();
    for (int i = 0; i < others.size(); i++) {
      if (!answered[i]) {
        lost.add(others.get(i));
      }
    }
    return lost;
  }

  /** Runs {@code task} for every member on its own thread; waits a bounded time; false where it did not finish. */
  private static boolean[] forEachInParallel(List<Member> members, String name,
      java.util.function.Predicate<Member> task) {
    boolean[] results = new boolean[members.size()];
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      int index = i;
      Thread t = new Thread(() -> results[index] = task.test(members.get(index)), name + "-" + members.get(i).host());
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      try {
        t.join(PROBE_TIMEOUT_MILLIS * 2L + 500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return results;
  }

  /**
   * Waits until {@code member} answers, polling every 100 ms for up to {@code waitSeconds}.
   *
   * @throws io.github.xgbcontainer.error.PlatformError when it does not
   */
  public static void awaitAnswer(Member member, int port, long waitSeconds, String what) {
    long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
    while (!answers(member, port)) {
      if (System.nanoTime() > deadline) {
        throw new io.github.xgbcontainer.error.PlatformError("host " + member.describe() + " did not get " + what
            + " ready within " + waitSeconds + " s (it answers on port " + port + " when ready); perhaps it failed");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new io.github.xgbcontainer.error.PlatformError("interrupted while waiting for " + member.describe(), e);
      }
    }
  }

  private static boolean answers(Member member, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(member.address(), port), PROBE_TIMEOUT_MILLIS);
      s.setSoTimeout(PROBE_TIMEOUT_MILLIS);
      InputStream in = s.getInputStream();
      byte[] reply = in.readNBytes(member.host().length() + 1);
      return new String(reply, StandardCharsets.UTF_8).strip().equals(member.host());
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }
}
