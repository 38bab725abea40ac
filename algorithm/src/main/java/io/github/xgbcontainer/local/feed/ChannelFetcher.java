package io.github.xgbcontainer.local.feed;

import io.github.xgbcontainer.error.ContainerException;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.local.host.Host;
import io.github.xgbcontainer.local.plan.ChannelObject;
import io.github.xgbcontainer.local.store.ObjectStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Logger;

/**
 * File mode: downloads a host's objects into {@code input/data/<channel>/} before the host starts,
 * several at a time, each at {@link ChannelObject#under} and checked against its listed size and
 * checksum ({@link io.github.xgbcontainer.local.store.ObjectStore#download}). FastFile channels are not downloaded:
 * {@link FastFileFeeder} makes a FIFO at the same place and streams the object into it when the host
 * reads it.
 */
public final class ChannelFetcher {

  private static final Logger LOG = Logger.getLogger(ChannelFetcher.class.getName());
  private static final int PARALLEL = 8;
  private final ObjectStores stores;

  public ChannelFetcher(ObjectStores stores) {
    this.stores = stores;
  }

  public void fetch(Host host, String channel, List<ChannelObject> objects) {
    Path dir = host.paths().channelDir(channel);
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (ChannelObject o : objects) {
        Path target = o.under(dir, channel);
        futures.add(pool.submit(() -> stores.forUri(o.uri()).download(o.stored(), target)));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      long bytes = objects.stream().mapToLong(ChannelObject::size).sum();
      LOG.info(host.name() + ": channel '" + channel + "': " + objects.size() + " objects, " + bytes + " bytes in " + dir);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof PlatformError c) {
        throw new PlatformError("channel '" + channel + "' of " + host.name() + ": " + c.getMessage(), c);
      }
      if (e.getCause() instanceof ContainerException c) {
        throw c;
      }
      throw new PlatformError("cannot download channel '" + channel + "': " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformError("interrupted while downloading channel '" + channel + "'", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
