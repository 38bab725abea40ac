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
 * accepts in the kernel but never answers, so the read times out.
 */
public final class PeerProbe implements AutoCloseable {

  private static final int PROBE_TIMEOUT_MILLIS = 2_000;

  private final ServerSocket server;
  private final Thread responder;

  private PeerProbe(ServerSocket server, String host) {
    this.server = server;
    byte[] name = (host + "\n").getBytes(StandardCharsets.UTF_8);
    this.responder = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
          out.write(name);
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

  /** The members among {@code others} that do not answer with their name within two seconds each, in parallel. */
  public static List<Member> unanswered(List<Member> others, int port) {
    List<Member> lost = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    boolean[] answered = new boolean[others.size()];
    for (int i = 0; i < others.size(); i++) {
      int index = i;
      Thread t = new Thread(() -> answered[index] = answers(others.get(index), port), "probe-" + i);
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
    for (int i = 0; i < others.size(); i++) {
      if (!answered[i]) {
        lost.add(others.get(i));
      }
    }
    return lost;
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
