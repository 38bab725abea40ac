package io.github.xgbcontainer.sagemaker;

import java.nio.file.Path;
import java.util.Comparator;

/**
 * Which files of a channel folder ({@code input/data/<channel>/}) the container reads, and in which
 * order. A file is read unless a component of its path relative to the folder starts with {@code .}
 * (hidden files, {@code .sagemaker-uploading} markers) or {@code _} ({@code _SUCCESS},
 * {@code _temporary}). Files are read one after another in the order of their relative paths'
 * string forms.
 *
 * <p>This is a contract with whoever serves the folder on demand: the {@code local} command's
 * FastFile feeder writes the channel's FIFOs one at a time, in this order, and opens the next only
 * when the container has read the previous one to its end. Both sides use this class so that they
 * can never disagree on the list or its order.
 */
public final class ChannelFiles {

  /** The order in which the container reads a folder's files: by relative path, as a string. */
  public static final Comparator<String> READ_ORDER = Comparator.naturalOrder();

  private ChannelFiles() {}

  /** Whether a file or folder of this name is skipped, with everything under it. */
  public static boolean skipped(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  /** Whether the container reads the file at {@code relative}, a path relative to the channel folder. */
  public static boolean isRead(Path relative) {
    for (Path part : relative) {
      if (skipped(part.toString())) {
        return false;
      }
    }
    return true;
  }
}
