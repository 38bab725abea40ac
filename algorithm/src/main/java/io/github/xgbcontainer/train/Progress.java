package io.github.xgbcontainer.train;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reports elapsed time and an estimate of what is left, at most every few seconds. Rounds are
 * numbered as the metric lines number them, from the job's first round, also after a resume.
 */
final class Progress {

  private final int firstRound;
  private final int totalRounds;
  private final long intervalNanos;
  private final Consumer<String> out;
  private final long start = System.nanoTime();
  private long lastReport = start;

  /**
   * @param firstRound the round this run starts at: 0, or the rounds a checkpoint holds
   * @param totalRounds the job's rounds ({@code num_round})
   */
  Progress(int firstRound, int totalRounds, long intervalMillis, Consumer<String> out) {
    this.firstRound = firstRound;
    this.totalRounds = totalRounds;
    this.intervalNanos = intervalMillis * 1_000_000L;
    this.out = out;
  }

  /** Called after each round: {@code done} rounds of the job are finished, those before a resume included. */
  void roundDone(int done) {
    long now = System.nanoTime();
    if (now - lastReport < intervalNanos || done >= totalRounds || done <= firstRound) {
      return;
    }
    lastReport = now;
    double elapsed = (now - start) / 1e9;
    double left = elapsed / (done - firstRound) * (totalRounds - done);
    out.accept(String.format(Locale.ROOT, "round [%d]: %d of %d rounds done, %.1f s elapsed, about %.1f s left",
        done - 1, done, totalRounds, elapsed, left));
  }

  double elapsedSeconds() {
    return (System.nanoTime() - start) / 1e9;
  }
}
