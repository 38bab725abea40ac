package io.github.xgbcontainer.train;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * SageMaker stops a job (a spot interruption, StopTrainingJob, MaxRuntimeInSeconds) with SIGTERM,
 * then SIGKILL 120 s later. Instead of the JVM's default (run shutdown hooks, exit at once), the
 * signal only raises this flag: the trainer finishes the round it is in, writes a checkpoint, and
 * the job exits normally. Further signals change nothing; every file is written atomically, so the
 * final SIGKILL cannot leave a half-written one.
 */
public final class Termination implements BooleanSupplier {

  private static final Logger LOG = Logger.getLogger(Termination.class.getName());

  private final AtomicInteger signals = new AtomicInteger();

  private Termination() {}

  /** A flag that is never raised. */
  public static Termination never() {
    return new Termination();
  }

  /** A flag raised by SIGTERM, for this process's lifetime. */
  public static Termination onSigterm() {
    Termination termination = new Termination();
    Signal.handle(new Signal("TERM"), signal -> {
      int count = termination.signals.incrementAndGet();
      LOG.warning(count == 1
          ? "SIGTERM received: stopping after the current round, with a checkpoint"
          : "SIGTERM received again: already stopping");
    });
    return termination;
  }

  /** Raises the flag, as SIGTERM does. */
  public void request() {
    signals.incrementAndGet();
  }

  @Override
  public boolean getAsBoolean() {
    return signals.get() > 0;
  }
}
