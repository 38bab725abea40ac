package io.github.xgbcontainer.train;

import java.util.Locale;
import java.util.function.Consumer;

/** Reports elapsed time and an estimate of what is left, at most every few seconds. */
final class Progress {

  private final int totalRounds;
  private final long intervalNanos;
  private final Consumer<String> out;
  private final long start = System.nanoTime();
  private long lastReport = start;

  Progress(int totalRounds, long intervalMillis, Consumer<String> out) {
    this.totalRounds = totalRounds;
    this.intervalNanos = intervalMillis * 1_000_000L;
    this.out = out;
  }

  /** Called after each round ({@code done} rounds finished). */
  void roundDone(int done) {
    long now = System.nanoTime();
    if (now - lastReport < intervalNanos || done >= totalRounds) {
      return;
    }
    lastReport = now;
    double elapsed = (now - start) / 1e9;
    double left = elapsed / done * (totalRounds - done);
    out.accept(String.format(Locale.ROOT, "round %d/%d, %.1f s elapsed, about %.1f s left",
        done, totalRounds, elapsed, left));
  }

  double elapsedSeconds() {
    return (System.nanoTime() - start) / 1e9;
  }
}
