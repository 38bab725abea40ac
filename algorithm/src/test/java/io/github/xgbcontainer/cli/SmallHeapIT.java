package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A million training rows, no validation channel, a 32 MiB heap, in a child JVM: the report's
 * evaluation predicts every training row after the last round. Through xgboost4j's
 * {@code float[][]} (a Java array per row, about 28 MB beside its own flat copy) that ran the heap
 * out of memory and the job ended as a PlatformError; one flat array (4 MB) leaves room for the
 * evaluation itself. The rows train from external memory, as a job whose data does not fit such a
 * JVM would, with the JVM options of {@link ExternalMemoryIT}. A heap smaller still fails, and says
 * that the heap is what to raise.
 */
class SmallHeapIT {

  private static final int ROWS = 1_000_000;
  private static final int FEATURES = 8;

  @TempDir Path dir;

  /** A job on the million rows from external memory, with these JVM options. */
  private TrainJob job(List<String> jvmOptions) throws IOException {
    TrainJob job = new TrainJob(dir.resolve("opt_ml")).hyperparameters("{\"num_round\": \"3\", \"objective\": "
        + "\"binary:logistic\", \"eval_metric\": \"logloss\", \"max_depth\": \"4\", \"external_memory\": \"true\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/csv\"}}");
    SyntheticCsv.write(job.root.resolve("input/data/train/train.csv"), ROWS, FEATURES, 11);
    job.jvmOptions.addAll(jvmOptions);
    return job;
  }

  @Test
  void millionTrainingRows_withoutValidation_inA32MiBHeap_completeWithTheirEvaluation() throws Exception {
    TrainJob job = job(List.of("-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-XX:ActiveProcessorCount=16"));
    job.run();
    assertEquals(0, job.exitCode, job::toString);
    assertTrue(job.stderr.contains("external_memory=true: training from external memory"), job::toString);
    assertTrue(Files.exists(job.model()), job::toString);
    String html = Files.readString(job.root.resolve("output/data/report.html"));
    assertTrue(html.contains("<h2 id=\"model-evaluation\">Model evaluation</h2>\n<p>The final model's predictions on "
        + "the train channel (1000000 rows).</p>\n"), html);
    assertTrue(html.contains("<p id=\"decision-rule\">Decision threshold: class 1 when its predicted probability is "
        + "at least 0.5. Accuracy "), html);
  }

  /**
   * A heap too small even to read the rows into external memory's cache (12 MiB; G1 reports -Xmx as
   * the maximum heap exactly): the failure names the heap and its flag, and does not suggest the
   * external memory the job already trains from.
   */
  @Test
  void heapTooSmall_withExternalMemoryOn_namesTheHeapFlag_notExternalMemory() throws Exception {
    TrainJob job = job(List.of("-Xmx12m", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1", "-XX:ActiveProcessorCount=16"));
    job.run();
    assertEquals(2, job.exitCode, job::toString);
    assertTrue(job.stderr.contains("external_memory=true: training from external memory"), job::toString);
    // the child runs in this JVM's memory cgroup, on the same machine
    long container = io.github.xgbcontainer.ingest.MemoryLimit.detect().container();
    assertEquals("PlatformError: out of memory: the Java heap is too small: the JVM's heap may use 12.0 MiB "
        + "(-XX:MaxRAMPercentage or -Xmx), the container may use " + PlatformDiagnosis.size(container) + ", the "
        + "job's files in " + job.root.resolve("input/data") + " are about "
        + PlatformDiagnosis.size(Files.size(job.root.resolve("input/data/train/train.csv"))) + "; perhaps you should "
        + "raise -XX:MaxRAMPercentage (or -Xmx) in JAVA_OPTS, or use an instance type with more memory\n",
        job.failure(), job::toString);
    assertEquals(List.of(), job.modelDirEntries());
  }
}
