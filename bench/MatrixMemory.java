import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.matrix.MatrixFactory;
import io.github.xgbcontainer.matrix.MatrixOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * Peak resident memory of one matrix path: ROWS x 28 random dense floats in 65,536-row batches,
 * the matrix built from them, the batches closed, then 10 rounds of hist, depth 6.
 * Run by bench/matrix-memory.sh, one JVM per path, so each VmHWM is that path's alone.
 * "array" is the plain alternative MatrixFactory does not take: the whole channel copied into one
 * heap array for xgboost4j's dense constructor.
 * Usage: java -cp ... bench/MatrixMemory.java quantile|plain|array [rows]
 */
public class MatrixMemory {

  public static void main(String[] args) throws Exception {
    boolean quantile = args[0].equals("quantile");
    long startRss = kib("VmRSS");
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int columns = 28;
    int batchRows = 65_536;
    SplittableRandom random = new SplittableRandom(42);
    List<Batch> batches = new ArrayList<>();
    for (int start = 0; start < rows; start += batchRows) {
      int n = Math.min(batchRows, rows - start);
      float[] labels = new float[n];
      float[] values = new float[n * columns];
      for (int i = 0; i < n; i++) {
        float sum = 0;
        for (int j = 0; j < columns; j++) {
          float v = (float) random.nextDouble();
          values[i * columns + j] = v;
          sum += j < 5 ? v : 0;
        }
        labels[i] = sum > 2.5f ? 1f : 0f;
      }
      batches.add(Batch.ofDense(labels, null, values, columns));
    }
    System.gc();
    long parsed = kib("VmRSS");
    MatrixFactory factory = new MatrixFactory();
    long t0 = System.nanoTime();
    DMatrix matrix;
    try (ChannelData data = new ChannelData("train", batches, columns)) {
      if (args[0].equals("array")) {
        // The alternative plain path: one heap array of the whole channel, then a dense DMatrix.
        float[] all = new float[rows * columns];
        float[] labels = new float[rows];
        int at = 0;
        for (Batch b : batches) {
          b.values().get(all, at * columns, b.rows() * columns);
          b.labels().get(labels, at, b.rows());
          at += b.rows();
        }
        matrix = new DMatrix(all, rows, columns, Float.NaN);
        matrix.setLabel(labels);
      } else {
        matrix = factory.build(data, new MatrixOptions(Float.NaN, 256, 0, quantile), null);
      }
    }
    long t1 = System.nanoTime();
    long built = kib("VmRSS");
    Booster booster = XGBoost.train(matrix, Map.of("tree_method", "hist", "max_depth", 6,
        "objective", "binary:logistic", "verbosity", 0), 10, Map.of(), null, null);
    long t2 = System.nanoTime();
    System.out.printf("%-8s path=%s rows=%d  rss at start %d MiB, after parse %d MiB, after build %d MiB,"
            + " peak %d MiB  build %.2f s  train %.2f s%n",
        args[0], MatrixFactory.pathOf(matrix).description(), rows, startRss / 1024, parsed / 1024, built / 1024,
        kib("VmHWM") / 1024, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    booster.dispose();
    matrix.dispose();
  }

  private static long kib(String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }
}
