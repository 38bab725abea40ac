package io.github.xgbcontainer.local.feed;

import io.github.xgbcontainer.local.host.Host;
import io.github.xgbcontainer.local.plan.ChannelObject;
import io.github.xgbcontainer.local.store.ObjectStores;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * Pipe mode for one host and channel: makes the FIFO {@code input/data/<channel>_<epoch>}, streams
 * every object of the host into it straight from the store (no local copy), closes it at the end
 * of the data, and makes the next epoch's FIFO, as SageMaker does, until {@link #stop()}.
 *
 * <p>See https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo-running-container.html
 */
public final class PipeFeeder extends FifoFeeder {

  private static final Logger LOG = Logger.getLogger(PipeFeeder.class.getName());

  public PipeFeeder(Host host, String channel, List<ChannelObject> objects, ObjectStores stores) {
    super("pipe", host, channel, objects, stores);
  }

  /** The first FIFO exists at once, so the host finds it. */
  @Override
  protected void prepare() {
    Fifos.make(List.of(host.paths().channelPipe(channel, 0)));
  }

  @Override
  protected void feed() {
    for (int epoch = 0; !stopped(); epoch++) {
      Path fifo = host.paths().channelPipe(channel, epoch);
      if (epoch > 0) {
        Fifos.make(List.of(fifo));
      }
      try {
        write(fifo, objects);
      } catch (IOException e) { // a write found no reader: the host closed the pipe
        if (!stopped()) {
          LOG.warning(host.name() + ": " + fifo.getFileName() + ": the reader closed the pipe early after "
              + written() + " bytes (" + e.getMessage() + ")");
        }
      }
      if (failure().isPresent()) {
        LOG.warning(host.name() + ": " + fifo.getFileName() + ": held open after " + written() + " bytes, so that the "
            + "host does not take them for the whole channel: " + failure().get().getMessage());
        return;
      }
      if (!stopped()) {
        LOG.info(host.name() + ": " + fifo.getFileName() + ": " + written() + " bytes streamed");
      }
    }
  }
}
