package io.github.xgbcontainer.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.config.ChannelConfig;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.hyperparameters.ExternalMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryBudgetTest {

  private static final long MIB = 1L << 20;
  private static final String CGROUP_FILE = "/sys/fs/cgroup/memory/job/memory.limit_in_bytes";

  @TempDir
  Path dir;

  /** 1,000,000 rows of 200 CSV columns: 762.9 MiB parsed, 199 million cells for XGBoost. */
  private static final MemoryBudget.ChannelEstimate WIDE = new MemoryBudget.ChannelEstimate("train", ContentType.CSV,
      700 * MIB, 1_000_000, 800_000_000L, 995_000_000L, "about 1,000,000 rows of 200 columns (sampled from a.csv)");

  /** The image's split, as its launcher sets it: a quarter for the heap, the direct buffers what the data may use. */
  private static MemoryLimit limit(long cgroupMiB) {
    long heapMiB = cgroupMiB / 4;
    return limit(cgroupMiB, heapMiB, cgroupMiB - heapMiB - (MemoryBudget.JVM_OVERHEAD >> 20));
  }

  /** Limits a user's JAVA_OPTS set. */
  private static MemoryLimit limit(long cgroupMiB, long heapMiB, long directMiB) {
    return new MemoryLimit(OptionalLong.of(cgroupMiB * MIB), CGROUP_FILE, 16L << 30, heapMiB * MIB, directMiB * MIB);
  }

  @Test
  void falseAndTooBig_failsBeforeBuilding_namingEstimateLimitAndFix() {
    List<String> log = new ArrayList<>();
    PlatformError e = assertThrows(PlatformError.class, () -> new MemoryBudget(limit(1024), log::add)
        .decide(List.of(WIDE), ExternalMemory.FALSE, true));
    assertEquals("the data does not fit in memory: training in memory needs about 1.7 GiB (and its parsed rows, "
        + "about 762.9 MiB, exceed the JVM's 672.0 MiB of direct memory), but the container may use 1.0 GiB (cgroup "
        + "limit " + CGROUP_FILE + "), less 352.0 MiB for the JVM (maximum heap 256.0 MiB, about 96.0 MiB of its "
        + "own): 672.0 MiB for the data; perhaps you should use an instance type with more memory, or set "
        + "external_memory=true or auto to train from disk (about 231.0 MiB in memory)", e.getMessage());
    assertEquals("memory: need about 1.7 GiB in memory, 231.0 MiB with external memory; the container may use 1.0 GiB "
        + "(cgroup limit " + CGROUP_FILE + "), less 352.0 MiB for the JVM (maximum heap 256.0 MiB, about 96.0 MiB of "
        + "its own): 672.0 MiB for the data; parsed rows may take 672.0 MiB of direct memory (MaxDirectMemorySize); "
        + "external_memory=false: training in memory", log.get(1));
  }

  /** A direct limit below what the data may use (a user's -XX:MaxDirectMemorySize, or a plain java's default). */
  @Test
  void falseAndOnlyTheDirectLimitInTheWay_namesTheFlagAndWhatTheDataMayUse() {
    PlatformError e = assertThrows(PlatformError.class, () -> new MemoryBudget(limit(8192, 256, 256), line -> { })
        .decide(List.of(WIDE), ExternalMemory.FALSE, true));
    assertEquals("the data does not fit in memory: training in memory needs about 1.7 GiB (and its parsed rows, "
        + "about 762.9 MiB, exceed the JVM's 256.0 MiB of direct memory), but the container may use 8.0 GiB (cgroup "
        + "limit " + CGROUP_FILE + "), less 352.0 MiB for the JVM (maximum heap 256.0 MiB, about 96.0 MiB of its "
        + "own): 7.7 GiB for the data; perhaps you should raise -XX:MaxDirectMemorySize in JAVA_OPTS to 7840m (what "
        + "the container leaves for the data), or set external_memory=true or auto to train from disk (about 231.0 "
        + "MiB in memory)", e.getMessage());
  }

  /**
   * The reason for the image's split: on a 3 GiB container the 1.7 GiB job trains in memory beside a
   * quarter for the heap, but the former launcher's 60% left it 1.1 GiB (and direct buffers as large
   * as the heap), so auto went to external memory and false was refused, offering a smaller heap.
   */
  @Test
  void sameJobSameContainer_inMemoryWithTheImageSplit_notWithSixtyPercentHeap() {
    List<String> log = new ArrayList<>();
    assertFalse(new MemoryBudget(limit(3072), log::add).decide(List.of(WIDE), ExternalMemory.AUTO, true).external());
    assertEquals("memory: need about 1.7 GiB in memory, 231.0 MiB with external memory; the container may use 3.0 GiB "
        + "(cgroup limit " + CGROUP_FILE + "), less 864.0 MiB for the JVM (maximum heap 768.0 MiB, about 96.0 MiB of "
        + "its own): 2.2 GiB for the data; parsed rows may take 2.2 GiB of direct memory (MaxDirectMemorySize); "
        + "external_memory=auto, it fits: training in memory", log.get(1));
    MemoryLimit sixtyPercent = limit(3072, 1843, 1843);
    assertTrue(new MemoryBudget(sixtyPercent, line -> { }).decide(List.of(WIDE), ExternalMemory.AUTO, true).external());
    PlatformError e = assertThrows(PlatformError.class, () -> new MemoryBudget(sixtyPercent, line -> { })
        .decide(List.of(WIDE), ExternalMemory.FALSE, true));
    assertEquals("the data does not fit in memory: training in memory needs about 1.7 GiB, but the container may use "
        + "3.0 GiB (cgroup limit " + CGROUP_FILE + "), less 1.9 GiB for the JVM (maximum heap 1.8 GiB, about 96.0 MiB "
        + "of its own): 1.1 GiB for the data; perhaps you should use an instance type with more memory, or a smaller "
        + "heap (-XX:MaxRAMPercentage or -Xmx in JAVA_OPTS), or set external_memory=true or auto to train from disk "
        + "(about 231.0 MiB in memory)", e.getMessage());
  }

  @Test
  void auto_choosesExternalMemoryWhenOnlyItFits_andInMemoryWhenAllFits() {
    List<String> log = new ArrayList<>();
    assertTrue(new MemoryBudget(limit(1024), log::add).decide(List.of(WIDE), ExternalMemory.AUTO, true).external());
    assertTrue(log.get(1).endsWith("external_memory=auto, it does not fit: training from external memory"), log.get(1));
    log.clear();
    // room enough, but the parsed rows exceed the JVM's direct memory: still external
    assertTrue(new MemoryBudget(limit(8192, 256, 256), log::add).decide(List.of(WIDE), ExternalMemory.AUTO, true)
        .external());
    log.clear();
    assertFalse(new MemoryBudget(limit(8192), log::add).decide(List.of(WIDE), ExternalMemory.AUTO, true).external());
    assertTrue(log.get(1).endsWith("external_memory=auto, it fits: training in memory"), log.get(1));
  }

  @Test
  void evenExternalMemoryTooBig_failsNamingMoreMemoryOrHosts() {
    PlatformError e = assertThrows(PlatformError.class, () -> new MemoryBudget(limit(320), line -> { })
        .decide(List.of(WIDE), ExternalMemory.TRUE, true));
    assertEquals("the data does not fit in memory even with external memory: training needs about 231.0 MiB in "
        + "memory for 1,000,000 rows (XGBoost's quantile sketch, or its per-row state), but the container may use "
        + "320.0 MiB (cgroup limit " + CGROUP_FILE + "), less 176.0 MiB for the JVM (maximum heap 80.0 MiB, about 96.0 MiB of its own): "
        + "144.0 MiB for the data; perhaps you should use an instance type with more memory, or more instances (with "
        + "ShardedByS3Key each host holds only its shard)", e.getMessage());
    // a heap of 60% (the former launcher's) holds back what external memory needed
    PlatformError sixty = assertThrows(PlatformError.class, () -> new MemoryBudget(limit(640, 384, 384), line -> { })
        .decide(List.of(WIDE), ExternalMemory.TRUE, true));
    assertTrue(sixty.getMessage().endsWith("perhaps you should use an instance type with more memory, or more "
        + "instances (with ShardedByS3Key each host holds only its shard), or a smaller heap (-XX:MaxRAMPercentage or "
        + "-Xmx in JAVA_OPTS)"), sixty.getMessage());
  }

  /**
   * XGBoost's external memory peaks while it sketches, and its sketch is bounded per feature (measured:
   * 290 then 298 MiB of anonymous memory at 480,000 then 960,000 rows of 200 features), so a CSV's
   * estimate stops growing with the rows; the per-row state takes over only for tall, narrow data.
   */
  @Test
  void externalEstimate_csvBoundedPerFeature_perRowStateForTallData_linearForLibsvm() {
    assertEquals(199 * MIB, WIDE.external()); // not 199 million cells x 3 bytes (569 MiB)
    MemoryBudget.ChannelEstimate small = new MemoryBudget.ChannelEstimate("train", ContentType.CSV, 8 * MIB, 10_000,
        8_040_000L, 10_000_000L, "10,000 rows of 201 columns");
    assertEquals(2_000_000L * 3, small.external()); // below the bound: 3 bytes a cell
    MemoryBudget.ChannelEstimate tall = new MemoryBudget.ChannelEstimate("train", ContentType.CSV, 700 * MIB,
        20_000_000, 400_000_000L, 400_000_000L, "20,000,000 rows of 5 columns");
    assertEquals(20_000_000L * 48, tall.external());
    MemoryBudget.ChannelEstimate sparse = new MemoryBudget.ChannelEstimate("train", ContentType.LIBSVM, 700 * MIB,
        1_000_000, 800_000_000L, 995_000_000L, "about 1,000,000 rows of 200 values");
    assertEquals(199_000_000L * 3, sparse.external());
    assertTrue(new MemoryBudget(limit(640), line -> { }).decide(List.of(WIDE), ExternalMemory.AUTO, true).external(),
        "a 700 MiB CSV trains from external memory under 640 MiB");
  }

  @Test
  void pipeMode_sizeUnknown_staysInMemoryUnlessTold() {
    ChannelConfig pipe = new ChannelConfig("train", ContentType.CSV, InputMode.PIPE, false, false);
    List<String> log = new ArrayList<>();
    MemoryBudget budget = new MemoryBudget(limit(1024), log::add);
    assertFalse(budget.decide(List.of(pipe), List.of(dir), ExternalMemory.AUTO, true).external());
    assertEquals("memory: channel 'train': size unknown (Pipe mode: a stream of unknown length)", log.get(0));
    assertTrue(budget.decide(List.of(pipe), List.of(dir), ExternalMemory.TRUE, true).external());
  }

  @Test
  void csvEstimate_countsRowsAndCellsFromTheFirstFile() throws Exception {
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      csv.append('1').append(",0.1234".repeat(9)).append('\n'); // 65 bytes a row, 10 columns
    }
    Files.writeString(dir.resolve("a.csv"), csv);
    MemoryBudget.ChannelEstimate e = MemoryBudget.estimate(
        new ChannelConfig("train", ContentType.CSV, InputMode.FILE, false, false), dir);
    assertEquals(130_000, e.bytes());
    assertEquals(2000, e.rows());
    assertEquals(2000 * 10 * 4, e.parsed());
    assertEquals(2000 * 9 * 5, e.quantised());
    assertEquals("about 2,000 rows of 10 columns (sampled from a.csv)", e.how());
  }

  @Test
  void parquetEstimate_readsRowsAndColumnsFromTheFooters_skippingEmptyFilesAndThePandasIndex() throws Exception {
    Path fixtures = Path.of("src/test/resources/fixtures/parquet");
    Files.copy(fixtures.resolve("pandas_index.parquet"), dir.resolve("part-0.parquet")); // 4 rows: label, x, y + index
    Files.copy(fixtures.resolve("no_rows.parquet"), dir.resolve("part-1.parquet"));
    Files.writeString(dir.resolve("_SUCCESS"), "");
    ChannelConfig parquet = new ChannelConfig("train", ContentType.PARQUET, InputMode.FILE, false, false);

    MemoryBudget.ChannelEstimate e = MemoryBudget.estimate(parquet, dir);

    assertEquals(4, e.rows());
    assertEquals(4 * 3 * 4, e.parsed());
    assertEquals(4 * 2 * 5, e.quantised());
    assertEquals("4 rows of 3 columns (from the footers of 2 Parquet files)", e.how());

    // a file that is not Parquet leaves the estimate to the factor on its bytes
    Files.writeString(dir.resolve("notes.txt"), "not parquet");
    MemoryBudget.ChannelEstimate guessed = MemoryBudget.estimate(parquet, dir);
    assertEquals("4.0 x its bytes on disk", guessed.how());
  }

  @Test
  void cgroupV1_smallestLimitAlongThePath_unlimitedIgnored() throws Exception {
    Path proc = dir.resolve("cgroup");
    Files.writeString(proc, "5:cpu,cpuacct:/a/b\n4:memory:/a/b\n0::/\n");
    Path root = dir.resolve("sys");
    Files.createDirectories(root.resolve("memory/a/b"));
    Files.writeString(root.resolve("memory/memory.limit_in_bytes"), "9223372036854771712\n");
    Files.writeString(root.resolve("memory/a/memory.limit_in_bytes"), "268435456\n");
    Files.writeString(root.resolve("memory/a/b/memory.limit_in_bytes"), "9223372036854771712\n");
    String[] file = {""};
    assertEquals(OptionalLong.of(256 * MIB), MemoryLimit.cgroupLimit(proc, root, file));
    assertEquals(root.resolve("memory/a/memory.limit_in_bytes").toString(), file[0]);
  }

  @Test
  void cgroupV2_memoryMax_andMaxMeansNone() throws Exception {
    Path proc = dir.resolve("cgroup");
    Files.writeString(proc, "0::/job\n");
    Path root = dir.resolve("sys");
    Files.createDirectories(root.resolve("job"));
    Files.writeString(root.resolve("job/memory.max"), "max\n");
    String[] file = {""};
    assertEquals(OptionalLong.empty(), MemoryLimit.cgroupLimit(proc, root, file));
    Files.writeString(root.resolve("job/memory.max"), "1073741824\n");
    assertEquals(OptionalLong.of(1L << 30), MemoryLimit.cgroupLimit(proc, root, file));
    assertEquals(root.resolve("job/memory.max").toString(), file[0]);
  }

  /** An eighth of the room for data, at least 8 MiB, at most 64 MiB: past that the peak grows with the page. */
  @Test
  void pageBytes_anEighthOfTheRoomForData_between8And64MiB() {
    assertEquals(8 * MIB, MemoryBudget.pageBytes(16 * MIB));
    assertEquals(8 * MIB, MemoryBudget.pageBytes(64 * MIB));
    assertEquals(32 * MIB, MemoryBudget.pageBytes(256 * MIB));
    assertEquals(64 * MIB, MemoryBudget.pageBytes(512 * MIB));
    assertEquals(64 * MIB, MemoryBudget.pageBytes(17_600 * MIB));
  }
}
