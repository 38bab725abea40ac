package io.github.xgbcontainer.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.BatchCache;
import io.github.xgbcontainer.data.ChannelData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External-memory matrices from batches spilled to a {@link BatchCache}, against the same rows in memory. */
class ExternalMemoryMatrixTest {

  private static final int FEATURES = 8;

  @TempDir
  Path tmp;

  /** {@code n} rows in batches of 1,000, every batch moved to {@code cache} when one is given. */
  private static ChannelData channel(String name, int n, long seed, BatchCache cache) {
    Random random = new Random(seed);
    List<Batch> batches = new ArrayList<>();
    for (int start = 0; start < n; start += 1000) {
      int rows = Math.min(1000, n - start);
      float[] labels = new float[rows];
      float[] values = new float[rows * FEATURES];
      for (int i = 0; i < rows; i++) {
        float sum = 0;
        for (int j = 0; j < FEATURES; j++) {
          float v = random.nextFloat() * 4 - 2;
          values[i * FEATURES + j] = v;
          sum += v * (j % 3 == 0 ? 1 : -0.25f);
        }
        labels[i] = sum > 0 ? 1 : 0;
      }
      Batch batch = Batch.ofDense(labels, null, values, FEATURES);
      batches.add(cache == null ? batch : cache.keep(batch));
    }
    return new ChannelData(name, batches, FEATURES);
  }

  private static Map<String, Object> params() {
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "binary:logistic");
    params.put("tree_method", "hist");
    params.put("max_depth", 4);
    params.put("nthread", 1);
    params.put("eval_metric", "logloss");
    return params;
  }

  private static float validationLogloss(DMatrix train, DMatrix validation) throws Exception {
    Map<String, DMatrix> watches = new java.util.LinkedHashMap<>();
    watches.put("validation", validation);
    float[][] metrics = new float[1][10];
    Booster booster = XGBoost.train(train, params(), 10, watches, metrics, null, null, 0);
    booster.dispose();
    return metrics[0][9];
  }

  @Test
  void externalMemory_trainsAsInMemoryFromSpilledBatchesThatOutliveNothing() throws Exception {
    assumeTrue(NativeShim.available(), "native shim not built");
    MatrixFactory factory = new MatrixFactory();
    MatrixOptions inMemory = new MatrixOptions(Float.NaN, 256, 1, true);
    float expected;
    try (ChannelData train = channel("train", 20_000, 1, null);
         ChannelData validation = channel("validation", 5_000, 2, null)) {
      DMatrix dtrain = factory.build(train, inMemory, null);
      DMatrix dval = factory.build(validation, inMemory, dtrain);
      expected = validationLogloss(dtrain, dval);
      dtrain.dispose();
      dval.dispose();
    }
    Path dir;
    float external;
    try (BatchCache cache = BatchCache.create(tmp)) {
      dir = cache.dir();
      MatrixOptions options = new MatrixOptions(Float.NaN, 256, 1, true, cache);
      DMatrix dtrain;
      DMatrix dval;
      try (ChannelData train = channel("train", 20_000, 1, cache);
           ChannelData validation = channel("validation", 5_000, 2, cache)) {
        assertEquals(25, cache.spilledBatches());
        dtrain = factory.build(train, options, null);
        dval = factory.build(validation, options, dtrain);
      }
      assertEquals(MatrixPath.EXTERNAL, MatrixFactory.pathOf(dtrain));
      try (Stream<Path> files = Files.list(dir)) {
        assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("xgboost-train")),
            "XGBoost's pages are in the cache folder");
      }
      // the batches are closed: training reads XGBoost's own pages only
      external = validationLogloss(dtrain, dval);
      dtrain.dispose();
      dval.dispose();
    }
    assertFalse(Files.exists(dir), "the cache folder is removed");
    assertEquals(expected, external, Math.abs(expected) * 0.01, "validation logloss within 1%");
  }
}
