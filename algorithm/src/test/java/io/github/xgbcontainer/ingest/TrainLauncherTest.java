package io.github.xgbcontainer.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's launcher ({@code container/root/usr/local/bin/train}) run for real by {@code /bin/sh},
 * over a fake cgroup tree and {@code /proc/meminfo}, with a {@code java} on PATH that prints the
 * arguments it was given: the heap's share, the direct limit it computes from the container's memory,
 * and JAVA_OPTS after both, so that a user's flag wins. The {@code serve} launcher beside it too.
 */
class TrainLauncherTest {

  private static final Path LAUNCHER = Path.of("..", "container", "root", "usr", "local", "bin", "train")
      .toAbsolutePath();
  private static final long OVERHEAD_MIB = MemoryBudget.JVM_OVERHEAD >> 20;
  private static final List<String> TAIL = List.of("-cp", "@/app/jib-classpath-file",
      "io.github.xgbcontainer.cli.Main", "train");

  @TempDir Path dir;
  private Path cgroup;
  private Path meminfo;

  @BeforeEach
  void machineOf16GiB() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path java = Files.writeString(bin.resolve("java"), "#!/bin/sh\nfor a; do printf '%s\\n' \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    cgroup = Files.createDirectories(dir.resolve("cgroup"));
    meminfo = Files.writeString(dir.resolve("meminfo"), "MemTotal:       16777216 kB\nMemFree:         1024 kB\n");
  }

  private List<String> launch(String javaOpts, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/bin/sh", LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("PATH", dir.resolve("bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("XGBC_CGROUP_ROOT", cgroup.toString());
    env.put("XGBC_MEMINFO", meminfo.toString());
    if (javaOpts == null) {
      env.remove("JAVA_OPTS");
    } else {
      env.put("JAVA_OPTS", javaOpts);
    }
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(30, TimeUnit.SECONDS);
    assertEquals(0, process.exitValue(), out);
    return out.lines().toList();
  }

  private static List<String> java(List<String> head, String... args) {
    List<String> all = new ArrayList<>(head);
    all.addAll(TAIL);
    all.addAll(List.of(args));
    return all;
  }

  private void cgroupV1(String limit) throws IOException {
    Files.createDirectories(cgroup.resolve("memory"));
    Files.writeString(cgroup.resolve("memory/memory.limit_in_bytes"), limit + "\n");
  }

  @Test
  void cgroupV1Limit_heapAQuarter_directWhatTheBudgetLeavesForTheData() throws Exception {
    cgroupV1("1073741824");
    long direct = 1024 - 256 - OVERHEAD_MIB;
    assertEquals(672, direct);
    assertEquals(java(List.of("-XX:MaxRAMPercentage=25", "-XX:MinRAMPercentage=25", "-XX:MaxDirectMemorySize=672m"), "--verbose", "a b"),
        launch(null, "--verbose", "a b"));
  }

  @Test
  void cgroupV2Limit_andTheSmallestOfAllWins() throws Exception {
    Files.writeString(cgroup.resolve("memory.max"), "2147483648\n");
    assertEquals(java(List.of("-XX:MaxRAMPercentage=25", "-XX:MinRAMPercentage=25", "-XX:MaxDirectMemorySize=1440m")), launch(""));
    cgroupV1("1073741824");
    assertEquals(java(List.of("-XX:MaxRAMPercentage=25", "-XX:MinRAMPercentage=25", "-XX:MaxDirectMemorySize=672m")), launch(""));
    Files.writeString(meminfo, "MemTotal:         524288 kB\n"); // a 512 MiB machine under larger limits
    assertEquals(java(List.of("-XX:MaxRAMPercentage=25", "-XX:MinRAMPercentage=25", "-XX:MaxDirectMemorySize=288m")), launch(""));
  }

  @Test
  void noLimit_machineMemory_v2MaxAndV1UnlimitedIgnored() throws Exception {
    Files.writeString(cgroup.resolve("memory.max"), "max\n");
    cgroupV1("9223372036854771712");
    long direct = 16384 - 4096 - OVERHEAD_MIB;
    assertEquals(java(List.of("-XX:MaxRAMPercentage=25", "-XX:MinRAMPercentage=25", "-XX:MaxDirectMemorySize=" + direct + "m")), launch(null));
  }

  @Test
  void javaOptsHeap_movesTheDirectLimit_andComesLast() throws Exception {
    cgroupV1("1073741824");
    assertEquals(java(List.of("-XX:MaxRAMPercentage=25", "-XX:MinRAMPercentage=25", "-XX:MaxDirectMemorySize=416m", "-Xmx512m")),
        launch("-Xmx512m"));
    assertEquals(java(List.of("-XX:MaxRAMPercentage=25", "-XX:MinRAMPercentage=40.5", "-XX:MaxDirectMemorySize=519m",
        "-XX:MaxRAMPercentage=40.5")), launch("-XX:MaxRAMPercentage=40.5"));
    // -Xmx wins over a percentage in the JVM, wherever it stands; here too
    assertEquals(java(List.of("-XX:MaxRAMPercentage=25", "-XX:MinRAMPercentage=60", "-XX:MaxDirectMemorySize=800m",
        "-Xmx128m", "-XX:MaxRAMPercentage=60")), launch("-Xmx128m -XX:MaxRAMPercentage=60"));
    assertEquals(java(List.of("-XX:MaxRAMPercentage=25", "-XX:MinRAMPercentage=25", "-XX:MaxDirectMemorySize=672m",
        "-XX:MaxDirectMemorySize=2g", "-Dfile.encoding=UTF-8")), launch("-XX:MaxDirectMemorySize=2g -Dfile.encoding=UTF-8"));
  }

  /**
   * The real JVM given the launcher's flags (and the user's after them) on that much memory
   * ({@code -XX:MaxRAM}, which stands for the container's limit in its sizing): its heap, the direct
   * limit and the JVM's own 96 MiB add up to the memory, within the heap's 2 MiB alignment. Below
   * about 500 MiB the JVM would otherwise take at least 125 MiB for the heap, whatever MaxRAMPercentage says.
   */
  @Test
  void realJvm_heapDirectAndOverheadAddUpToTheMemory() throws Exception {
    for (long mib : new long[] {320, 1024, 4096}) {
      for (String javaOpts : new String[] {"", "-XX:MaxRAMPercentage=60"}) {
        cgroupV1(Long.toString(mib << 20));
        List<String> flags = launch(javaOpts);
        flags = flags.subList(0, flags.size() - TAIL.size());
        long direct = flags.stream().filter(f -> f.startsWith("-XX:MaxDirectMemorySize=")).map(f -> f.replaceAll("\\D", ""))
            .mapToLong(Long::parseLong).findFirst().orElseThrow();
        long heap = jvmHeapMiB(mib, flags);
        String what = mib + " MiB, JAVA_OPTS '" + javaOpts + "': heap " + heap + " MiB, " + flags;
        assertEquals(mib, heap + direct + OVERHEAD_MIB, 2, what);
        assertEquals(mib * (javaOpts.isEmpty() ? 25 : 60) / 100.0, heap, 2, what);
      }
    }
  }

  /** The maximum heap, in MiB, of a JVM started with {@code flags} on {@code mib} of memory. */
  private static long jvmHeapMiB(long mib, List<String> flags) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:MaxRAM=" + mib + "m"));
    command.addAll(flags);
    command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(30, TimeUnit.SECONDS);
    return out.lines().filter(l -> l.contains(" MaxHeapSize ")).map(l -> l.trim().split("\\s+")[3])
        .mapToLong(Long::parseLong).findFirst().orElseThrow() >> 20;
  }

  @Test
  void javaOptsWords_areNotExpandedAsFileNames() throws Exception {
    Files.writeString(dir.resolve("x"), ""); // the launcher runs in dir: a glob would match it
    cgroupV1("1073741824");
    assertEquals(java(List.of("-XX:MaxRAMPercentage=25", "-XX:MinRAMPercentage=25", "-XX:MaxDirectMemorySize=672m", "-Dglob=*")),
        launch("-Dglob=*"));
  }

  @Test
  void tinyOrUnknownMemory_leavesTheDirectLimitToTheJvm() throws Exception {
    cgroupV1("134217728"); // 128 MiB: nothing left after a 32 MiB heap and the JVM's own
    assertEquals(java(List.of("-XX:MaxRAMPercentage=25", "-XX:MinRAMPercentage=25")), launch(null));
    Files.delete(meminfo);
    Files.delete(cgroup.resolve("memory/memory.limit_in_bytes"));
    assertEquals(java(List.of("-XX:MaxRAMPercentage=25", "-XX:MinRAMPercentage=25")), launch(null));
  }

  /** {@code serve}: the heap's quarter (the models live in native memory), JAVA_OPTS after it. */
  @Test
  void serveLauncher_heapAQuarter_javaOptsLast() throws Exception {
    Path serve = LAUNCHER.resolveSibling("serve");
    List<String> command = List.of("/bin/sh", serve.toString(), "--port-check");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().put("PATH", dir.resolve("bin") + ":" + builder.environment().getOrDefault("PATH", "/bin"));
    builder.environment().put("JAVA_OPTS", "-Xmx1g -Dx=y");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(30, TimeUnit.SECONDS);
    assertEquals(0, process.exitValue(), out);
    assertEquals(List.of("-XX:MaxRAMPercentage=25", "-XX:MinRAMPercentage=25", "-Xmx1g", "-Dx=y", "-cp",
        "@/app/jib-classpath-file", "io.github.xgbcontainer.cli.Main", "serve", "--port-check"), out.lines().toList());
  }
}
