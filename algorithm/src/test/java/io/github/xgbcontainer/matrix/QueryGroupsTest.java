package io.github.xgbcontainer.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.error.UserError;
import java.util.List;
import ml.dmlc.xgboost4j.java.DMatrix;
import org.junit.jupiter.api.Test;

/** Query groups reach XGBoost on both matrix paths, with one weight per query. */
class QueryGroupsTest {

  private static final MatrixOptions QUANTILE = new MatrixOptions(Float.NaN, 256, 1, true);
  private static final MatrixOptions PLAIN = new MatrixOptions(Float.NaN, 256, 1, false);

  private static ChannelData channel(float[] weights) {
    float[] labels = {2, 1, 0, 1, 0, 0};
    float[] values = {1, 2, 3, 4, 5, 6};
    return new ChannelData("train", List.of(Batch.ofDense(labels, weights, values, 1)), 1, new int[] {3, 1, 2});
  }

  private static void assertGroupsAndWeights(DMatrix matrix, float[] weights) throws Exception {
    try {
      // XGBoost keeps group boundaries: 0, 3, 4, 6
      assertArrayEquals(new int[] {0, 3, 4, 6}, matrix.getGroup());
      assertArrayEquals(weights, matrix.getWeight());
    } finally {
      matrix.dispose();
    }
  }

  @Test
  void plainMatrix_getsGroupsAndOneWeightPerQuery() throws Exception {
    try (ChannelData data = channel(null)) {
      assertGroupsAndWeights(new MatrixFactory().build(data, PLAIN, null), new float[] {1, 1, 1});
    }
  }

  @Test
  void quantileMatrix_getsGroupsAndTheQueriesWeights() throws Exception {
    assumeTrue(NativeShim.available(), NativeShim.unavailableReason());
    try (ChannelData data = channel(new float[] {2, 2, 2, 0.5f, 3, 3})) {
      DMatrix matrix = new MatrixFactory().build(data, QUANTILE, null);
      assertEquals(MatrixPath.QUANTILE, MatrixFactory.pathOf(matrix));
      assertGroupsAndWeights(matrix, new float[] {2, 0.5f, 3});
    }
  }

  @Test
  void weightsThatDifferWithinAQuery_areRefused() {
    try (ChannelData data = channel(new float[] {2, 2, 1, 1, 1, 1})) {
      UserError e = assertThrows(UserError.class, () -> new MatrixFactory().build(data, PLAIN, null));
      assertEquals("channel 'train', row 3: instance weight 1.0 differs from the weight 2.0 of the earlier rows of"
          + " its query (query 1 of the channel); in learning to rank XGBoost weighs whole queries, perhaps you"
          + " should give every row of a query the same weight", e.getMessage());
    }
  }
}
