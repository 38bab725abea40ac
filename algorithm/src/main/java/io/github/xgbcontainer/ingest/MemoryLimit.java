package io.github.xgbcontainer.ingest;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * What memory this process may use: the container's memory cgroup limit, the machine's memory, and
 * the JVM's own limits (maximum heap; maximum direct memory, where the parsed rows live). The image's
 * launcher sets both JVM limits from the container's memory (a quarter for the heap, the direct
 * buffers what {@link MemoryBudget} leaves for the data); a plain {@code java} gets the JVM's
 * defaults (a quarter of the memory for the heap, and as much direct memory as heap). Public for the
 * out-of-memory diagnosis, which names the same limits.
 *
 * @param cgroup the cgroup limit in bytes ({@code memory.max} of cgroup v2, else
 *     {@code memory.limit_in_bytes} of cgroup v1; the smallest along the group's path); empty when
 *     there is none or it cannot be read
 * @param cgroupFile the file the limit was read from, for the log; empty with {@code cgroup}
 * @param physical the machine's memory in bytes
 * @param heap the JVM's maximum heap in bytes
 * @param direct the JVM's maximum direct memory in bytes ({@code -XX:MaxDirectMemorySize}, else the
 *     maximum heap, as the JVM defaults it)
 */
public record MemoryLimit(OptionalLong cgroup, String cgroupFile, long physical, long heap, long direct) {

  /** Checks that the sizes are positive. */
  public MemoryLimit {
    if (physical <= 0 || heap <= 0 || direct <= 0) {
      throw new IllegalArgumentException("memory sizes must be positive");
    }
  }

  /** The memory the container may use: the cgroup limit where it is below the machine's memory. */
  public long container() {
    return cgroup.isPresent() && cgroup.getAsLong() <= physical ? cgroup.getAsLong() : physical;
  }

  /** Reads this process's limits (Linux {@code /proc} and {@code /sys/fs/cgroup}, the JVM's flags). */
  public static MemoryLimit detect() {
    long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
    long heap = Runtime.getRuntime().maxMemory();
    long direct = directLimit(heap);
    String[] file = {""};
    OptionalLong cgroup = cgroupLimit(Path.of("/proc/self/cgroup"), Path.of("/sys/fs/cgroup"), file);
    return new MemoryLimit(cgroup, file[0], physical, heap, direct);
  }

  /**
   * The smallest memory limit along this process's cgroup path. cgroup v2 ({@code 0::/path}):
   * {@code memory.max} under {@code root}; v1 ({@code N:memory:/path}, or a controller list with
   * memory): {@code memory.limit_in_bytes} under {@code root/memory}. Where the path is not visible
   * (a container's own namespace shows {@code /}) the mount's top is read, which is the container's
   * group. "max" and v1's near-2^63 "unlimited" are no limit.
   */
  static OptionalLong cgroupLimit(Path procCgroup, Path root, String[] fileOut) {
    List<String> lines;
    try {
      lines = Files.readAllLines(procCgroup);
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
    OptionalLong best = OptionalLong.empty();
    for (String line : lines) {
      String[] parts = line.split(":", 3);
      if (parts.length != 3) {
        continue;
      }
      Path base;
      String name;
      if (parts[0].equals("0") && parts[1].isEmpty()) {
        base = root;
        name = "memory.max";
      } else if (List.of(parts[1].split(",")).contains("memory")) {
        base = root.resolve("memory");
        name = "memory.limit_in_bytes";
      } else {
        continue;
      }
      Path dir = base.resolve(parts[2].replaceFirst("^/+", ""));
      // from the group itself up to the mount's top: a parent's limit binds its children too
      for (Path d = dir; d != null && d.startsWith(base); d = d.getParent()) {
        OptionalLong value = read(d.resolve(name));
        if (value.isPresent() && (best.isEmpty() || value.getAsLong() < best.getAsLong())) {
          best = value;
          fileOut[0] = d.resolve(name).toString();
        }
      }
    }
    return best;
  }

  private static OptionalLong read(Path file) {
    try {
      String text = Files.readString(file).trim();
      if (text.equals("max")) {
        return OptionalLong.empty();
      }
      long value = Long.parseLong(text);
      // cgroup v1 writes "no limit" as the largest page-aligned long
      return value >= (1L << 62) ? OptionalLong.empty() : OptionalLong.of(value);
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * The JVM's {@code MaxDirectMemorySize} as it took effect (the last of several flags, from the command
   * line, {@code JAVA_TOOL_OPTIONS} or a flags file); 0 there means the default, the maximum heap.
   */
  static long directLimit(long heap) {
    try {
      String value = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .getVMOption("MaxDirectMemorySize").getValue();
      long bytes = Long.parseLong(value);
      return bytes > 0 ? bytes : heap;
    } catch (RuntimeException e) { // not HotSpot
      return heap;
    }
  }
}
