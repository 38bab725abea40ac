package io.github.xgbcontainer.local.feed;

import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.local.host.Host;
import io.github.xgbcontainer.local.plan.ChannelObject;
import io.github.xgbcontainer.local.store.ObjectStores;
import io.github.xgbcontainer.sagemaker.ChannelFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * FastFile mode for one host and channel: reads on demand, with no local copy. SageMaker mounts a
 * FastFile channel as a file system whose files stream from S3 as they are read; a process here has
 * no such mount, so the channel folder {@code input/data/<channel>/} gets one FIFO per object, at
 * the name File mode would download it to ({@link ChannelObject#under}), and each object streams
 * from the store into its FIFO when the host opens it.
 *
 * <p>One thread serves the FIFOs one after another, in {@link ChannelFiles#READ_ORDER}, leaving out
 * the names the container does not read ({@link ChannelFiles#isRead}). That is the container's side
 * of the contract ({@code channel.FolderChannel}): it lists the folder once and opens each file once,
 * in that order, only after it read the previous one to its end, so the FIFO it opens is always the
 * one this thread is waiting on. A FIFO the host never opens (a channel {@code train} does not read,
 * a host that failed first) holds the thread in {@code open()} until {@link #stop()} releases it.
 */
public final class FastFileFeeder extends FifoFeeder {

  private static final Logger LOG = Logger.getLogger(FastFileFeeder.class.getName());
  private final List<Served> served = new ArrayList<>();

  /** An object and its FIFO, with the FIFO's path relative to the channel folder. */
  private record Served(ChannelObject object, Path fifo, String relative) {}

  public FastFileFeeder(Host host, String channel, List<ChannelObject> objects, ObjectStores stores) {
    super("fastfile", host, channel, objects, stores);
  }

  /**
   * Makes every FIFO before the host starts, so it lists the whole channel at once.
   *
   * @throws UserError when a name leads out of the folder, or two objects get the same name
   */
  @Override
  protected void prepare() {
    Path dir = host.paths().channelDir(channel);
    Map<Path, ChannelObject> seen = new HashMap<>();
    List<Path> fifos = new ArrayList<>();
    for (ChannelObject o : objects) {
      Path fifo = o.under(dir, channel);
      ChannelObject before = seen.putIfAbsent(fifo, o);
      if (before != null) {
        throw new UserError("channel '" + channel + "': objects " + before.uri() + " and " + o.uri()
            + " both map to '" + dir.relativize(fifo) + "'; in FastFile mode each file is read once, "
            + "perhaps you should list each key only once in the manifest");
      }
      fifos.add(fifo);
      Path relative = dir.relativize(fifo);
      if (ChannelFiles.isRead(relative)) {
        served.add(new Served(o, fifo, relative.toString()));
      }
    }
    served.sort(Comparator.comparing(Served::relative, ChannelFiles.READ_ORDER));
    if (!fifos.isEmpty()) {
      Fifos.make(fifos);
    }
    LOG.info(host.name() + ": channel '" + channel + "': FastFile is served on demand from the store (no local "
        + "copy): " + fifos.size() + " FIFOs in " + dir + ", each object streamed when the host reads it");
  }

  @Override
  protected void feed() {
    int done = 0;
    long bytes = 0;
    for (Served s : served) {
      if (stopped()) {
        break;
      }
      try {
        long n = write(s.fifo(), List.of(s.object()));
        bytes += n;
        if (failure().isPresent()) {
          LOG.warning(host.name() + ": channel '" + channel + "', file '" + s.relative() + "': held open after " + n
              + " bytes, so that the host does not take them for the whole file: " + failure().get().getMessage());
          return;
        }
        if (n == s.object().size()) {
          done++;
        }
      } catch (IOException e) { // a write found no reader: the host closed the file
        bytes += written();
        if (!stopped()) {
          LOG.warning(host.name() + ": channel '" + channel + "', file '" + s.relative() + "': the host closed the "
              + "FIFO after " + written() + " of " + s.object().size() + " bytes (" + e.getMessage() + ")");
        }
      }
    }
    LOG.info(host.name() + ": channel '" + channel + "': " + done + " of " + served.size() + " objects, " + bytes
        + " bytes streamed on demand" + (done < served.size() ? " (the host stopped reading first)" : ""));
  }
}
