package io.github.xgbcontainer.local.host;

import java.io.IOException;
import java.util.List;

/** Starts the hosts of a job: as processes on this machine, or as containers of the image. */
public interface HostLauncher extends AutoCloseable {

  /** Called once, before the first host starts, with every host of the job. */
  default void prepare(List<Host> hosts) throws IOException {}

  /** Starts one host running {@code train}; its standard error is merged into standard output. */
  Process start(Host host) throws IOException;

  /** Whether the hosts see their tree as {@code /opt/ml} (containers) or at its real path. */
  boolean inContainer();

  @Override
  default void close() {}
}
