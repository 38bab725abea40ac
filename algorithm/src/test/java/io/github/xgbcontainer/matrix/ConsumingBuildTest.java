package io.github.xgbcontainer.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.matrix.TestChannels.Rows;
import java.util.Arrays;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.Test;

/**
 * {@link MatrixFactory#buildConsuming} against the native library: the passes XGBoost makes over the
 * batches are the ones the shim's early release assumes (xgbc_shim.c, consume_plan), so an XGBoost
 * that reads the data differently fails here, and a matrix whose values were released during the
 * build trains, evaluates and predicts exactly as one built with them kept.
 */
class ConsumingBuildTest {

  private static final int FEATURES = 5;
  private static final MatrixOptions QUANTILE = new MatrixOptions(Float.NaN, 256, 1, true);

  private final MatrixFactory factory = new MatrixFactory();

  private static void assumeShim() {
    assumeTrue(NativeShim.available(), () -> "shim unavailable: " + NativeShim.unavailableReason());
  }

  private static byte[] model(DMatrix dtrain) throws XGBoostError {
    Booster booster = XGBoost.train(dtrain, TestChannels.hist(), 8, Map.of(), null, null);
    try {
      return booster.toByteArray("ubj");
    } finally {
      booster.dispose();
    }
  }

  /**
   * Builds {@code rows} twice, kept and consumed, asserts the consumed build's passes, that its
   * values are gone and its labels and weights are not, and that both train the same model.
   */
  private void assertConsumedTrainsTheSameModel(Rows rows, int batchRows, boolean sparse, MatrixOptions options,
      int releasedFrom) throws XGBoostError {
    assumeShim();
    try (ChannelData kept = rows.channel("train", batchRows, sparse);
        ChannelData consumed = rows.channel("train", batchRows, sparse)) {
      DMatrix reference = factory.build(kept, options, null);
      DMatrix matrix = factory.buildConsuming(consumed, options);
      try {
        QuantileMatrix q = assertInstanceOf(QuantileMatrix.class, matrix);
        assertEquals(4, q.passes(), "XGBoost's passes over the batches without a reference matrix");
        assertEquals(releasedFrom, q.releasedFrom());
        assertEquals(releasedFrom > 0 ? "parsed values released from XGBoost's pass 3 of 4"
            : "parsed values released after the build", MatrixFactory.releaseNote(matrix));
        for (Batch batch : consumed.batches()) {
          IllegalStateException e = assertThrows(IllegalStateException.class, batch::values);
          assertEquals("buffer already released", e.getMessage());
        }
        Batch last = consumed.batches().get(consumed.batches().size() - 1);
        float[] labels = new float[last.rows()];
        last.labels().get(labels);
        assertArrayEquals(Arrays.copyOfRange(rows.labels(), rows.labels().length - last.rows(), rows.labels().length),
            labels);
        if (rows.weights() != null) {
          assertEquals(rows.weights()[rows.weights().length - 1], last.weights().get(last.rows() - 1));
        }
        assertArrayEquals(model(reference), model(matrix));
      } finally {
        matrix.dispose();
        reference.dispose();
      }
    }
  }

  @Test
  void buildConsuming_denseWithoutMissingReleasesValuesFromPassThreeOfFour() throws XGBoostError {
    assertConsumedTrainsTheSameModel(Rows.complete(FEATURES, 3000, 1, false), 640, false, QUANTILE, 3);
  }

  @Test
  void buildConsuming_weightedRowsKeepTheirWeightsThroughTheRelease() throws XGBoostError {
    assertConsumedTrainsTheSameModel(Rows.complete(FEATURES, 3000, 2, true), 640, false, QUANTILE, 3);
  }

  @Test
  void buildConsuming_oneBatchTakesItsLabelsFromTheLastPass() throws XGBoostError {
    // With one batch XGBoost moves the proxy's labels in after the column pass, from the buffers
    // that must therefore outlive the values.
    assertConsumedTrainsTheSameModel(Rows.complete(FEATURES, 2000, 3, true), 5000, false, QUANTILE, 3);
  }

  @Test
  void buildConsuming_keepsValuesDuringTheBuildWhereOneIsMissing() throws XGBoostError {
    assertConsumedTrainsTheSameModel(Rows.complete(FEATURES, 3000, 4, false).with(2999 * FEATURES + 2, Float.NaN), 640,
        false, QUANTILE, 0);
  }

  @Test
  void buildConsuming_keepsValuesDuringTheBuildWhereOneEqualsTheMissingValue() throws XGBoostError {
    MatrixOptions zeroMissing = new MatrixOptions(0f, 256, 1, true);
    Rows withoutZeros = Rows.complete(FEATURES, 3000, 5, false).replacing(0f, 0.25f);
    assertConsumedTrainsTheSameModel(withoutZeros.with(17, 0f), 640, false, zeroMissing, 0);
    assertConsumedTrainsTheSameModel(withoutZeros, 640, false, zeroMissing, 3);
  }

  @Test
  void buildConsuming_keepsCsrValuesDuringTheBuild() throws XGBoostError {
    assertConsumedTrainsTheSameModel(Rows.complete(FEATURES, 3000, 6, false), 640, true, QUANTILE, 0);
  }

  @Test
  void quantile_withReferenceReleasesValuesFromPassTwoOfThree() throws XGBoostError {
    assumeShim();
    Rows trainRows = Rows.complete(FEATURES, 3000, 7, false);
    Rows validRows = Rows.complete(FEATURES, 900, 8, true).replacing(0f, 0.25f);
    try (ChannelData train = trainRows.channel("train", 640, false);
        ChannelData keptValidation = validRows.channel("validation", 450, false);
        ChannelData consumedValidation = validRows.channel("validation", 450, false);
        ChannelData factoryValidation = validRows.channel("validation", 450, false)) {
      DMatrix dtrain = factory.build(train, QUANTILE, null);
      DMatrix kept = factory.build(keptValidation, QUANTILE, dtrain);
      QuantileMatrix consumed = MatrixFactory.quantile(consumedValidation, QUANTILE, dtrain.getHandle(), FEATURES,
          true);
      DMatrix viaFactory = factory.buildConsuming(factoryValidation, QUANTILE, dtrain);
      Booster booster = XGBoost.train(dtrain, TestChannels.hist(), 8, Map.of(), null, null);
      try {
        assertEquals(3, consumed.passes(), "XGBoost's passes over the batches with a reference matrix");
        assertEquals(2, consumed.releasedFrom());
        // quantile() leaves the buffers to its caller: the whole pages of values read as zeros now
        java.nio.FloatBuffer values = consumedValidation.batches().get(0).values();
        int zeros = 0;
        for (int i = 0; i < values.limit(); i++) {
          zeros += values.get(i) == 0f ? 1 : 0;
        }
        assertTrue(zeros >= 1024, zeros + " of " + values.limit() + " values released");
        assertEquals(booster.evalSet(new DMatrix[] {kept}, new String[] {"validation"}, 7),
            booster.evalSet(new DMatrix[] {consumed}, new String[] {"validation"}, 7));
        assertArrayEquals(booster.predict(kept), booster.predict(consumed));
        // what the job calls: the same release, and the values freed afterwards
        QuantileMatrix q = assertInstanceOf(QuantileMatrix.class, viaFactory);
        assertEquals(3, q.passes());
        assertEquals(2, q.releasedFrom());
        assertThrows(IllegalStateException.class, () -> factoryValidation.batches().get(1).values());
        assertEquals(booster.evalSet(new DMatrix[] {kept}, new String[] {"validation"}, 7),
            booster.evalSet(new DMatrix[] {viaFactory}, new String[] {"validation"}, 7));
      } finally {
        booster.dispose();
        viaFactory.dispose();
        consumed.dispose();
        kept.dispose();
        dtrain.dispose();
      }
    }
  }

  @Test
  void buildConsuming_plainPathFreesTheValuesAfterTheBuild() throws XGBoostError {
    MatrixOptions plain = new MatrixOptions(Float.NaN, 256, 1, false);
    Rows rows = Rows.complete(FEATURES, 1000, 9, false);
    try (ChannelData kept = rows.channel("train", 300, false);
        ChannelData consumed = rows.channel("train", 300, false)) {
      DMatrix reference = factory.build(kept, plain, null);
      DMatrix matrix = factory.buildConsuming(consumed, plain);
      try {
        assertEquals(MatrixPath.PLAIN, MatrixFactory.pathOf(matrix));
        assertEquals("parsed values released after the build", MatrixFactory.releaseNote(matrix));
        assertThrows(IllegalStateException.class, () -> consumed.batches().get(0).values());
        assertArrayEquals(model(reference), model(matrix));
      } finally {
        matrix.dispose();
        reference.dispose();
      }
    }
  }

  /**
   * Packed batches (short decimals, {@link Batch#packed()}) consumed against the same rows as floats
   * kept: the shim decodes each batch as XGBoost asks for it, so the passes, the release and the
   * model are the same.
   */
  private void assertPackedTrainsTheSameModel(Rows rows, int batchRows, MatrixOptions options, int packedBatches,
      int releasedFrom) throws XGBoostError {
    assumeShim();
    try (ChannelData kept = rows.channel("train", batchRows, false);
        ChannelData packed = rows.packedChannel("train", batchRows)) {
      assertEquals(packedBatches, packed.batches().stream().filter(Batch::isPacked).count());
      DMatrix reference = factory.build(kept, options, null);
      DMatrix matrix = factory.buildConsuming(packed, options);
      try {
        QuantileMatrix q = assertInstanceOf(QuantileMatrix.class, matrix);
        assertEquals(4, q.passes());
        assertEquals(releasedFrom, q.releasedFrom());
        assertArrayEquals(model(reference), model(matrix));
      } finally {
        matrix.dispose();
        reference.dispose();
      }
    }
  }

  @Test
  void buildConsuming_packedBatchesTrainTheModelOfTheirFloats() throws XGBoostError {
    // two decimals in [-5, 5]: two bytes a value
    Rows rows = Rows.complete(FEATURES, 3000, 10, true);
    try (ChannelData packed = rows.packedChannel("train", 640)) {
      assertEquals(2L * FEATURES * 640, packed.batches().get(0).valueBytes());
    }
    assertPackedTrainsTheSameModel(rows, 640, QUANTILE, 5, 3);
  }

  @Test
  void buildConsuming_packedMissingAndNegativeZeroKeepTheirMeaning() throws XGBoostError {
    Rows rows = Rows.complete(FEATURES, 3000, 11, false).with(7, -0f).with(2000 * FEATURES + 3, Float.NaN);
    assertPackedTrainsTheSameModel(rows, 640, QUANTILE, 5, 0);
  }

  @Test
  void buildConsuming_packedAndFloatBatchesMix() throws XGBoostError {
    // one value with all its float digits keeps its batch (rows 1280-1919) as floats
    Rows rows = Rows.complete(FEATURES, 3000, 12, false).with(1500 * FEATURES + 1, 1f / 3);
    assertPackedTrainsTheSameModel(rows, 640, QUANTILE, 4, 3);
  }

  @Test
  void buildConsuming_packedBatchesMatchAMissingValueOfTheirOwn() throws XGBoostError {
    MatrixOptions zeroMissing = new MatrixOptions(0f, 256, 1, true);
    Rows withoutZeros = Rows.complete(FEATURES, 3000, 13, false).replacing(0f, 0.25f);
    assertPackedTrainsTheSameModel(withoutZeros.with(17, 0f), 640, zeroMissing, 5, 0);
    assertPackedTrainsTheSameModel(withoutZeros, 640, zeroMissing, 5, 3);
  }

  @Test
  void quantile_packedValidationEvaluatesAsItsFloats() throws XGBoostError {
    assumeShim();
    Rows trainRows = Rows.complete(FEATURES, 3000, 14, false);
    Rows validRows = Rows.complete(FEATURES, 900, 15, false);
    try (ChannelData train = trainRows.packedChannel("train", 640);
        ChannelData keptValidation = validRows.channel("validation", 450, false);
        ChannelData packedValidation = validRows.packedChannel("validation", 450)) {
      DMatrix dtrain = factory.buildConsuming(train, QUANTILE);
      DMatrix kept = factory.build(keptValidation, QUANTILE, dtrain);
      DMatrix packed = factory.buildConsuming(packedValidation, QUANTILE, dtrain);
      Booster booster = XGBoost.train(dtrain, TestChannels.hist(), 8, Map.of(), null, null);
      try {
        assertEquals(2, assertInstanceOf(QuantileMatrix.class, packed).releasedFrom());
        assertEquals(booster.evalSet(new DMatrix[] {kept}, new String[] {"validation"}, 7),
            booster.evalSet(new DMatrix[] {packed}, new String[] {"validation"}, 7));
        assertArrayEquals(booster.predict(kept), booster.predict(packed));
      } finally {
        booster.dispose();
        packed.dispose();
        kept.dispose();
        dtrain.dispose();
      }
    }
  }

  @Test
  void build_plainPathReadsPackedBatchesAsFloats() throws XGBoostError {
    MatrixOptions plain = new MatrixOptions(Float.NaN, 256, 1, false);
    Rows rows = Rows.complete(FEATURES, 1000, 16, false);
    try (ChannelData kept = rows.channel("train", 300, false);
        ChannelData packed = rows.packedChannel("train", 300)) {
      DMatrix reference = factory.build(kept, plain, null);
      DMatrix matrix = factory.build(packed, plain, null);
      try {
        assertEquals(MatrixPath.PLAIN, MatrixFactory.pathOf(matrix));
        assertTrue(packed.batches().stream().noneMatch(Batch::isPacked), "the plain path turned them into floats");
        assertArrayEquals(model(reference), model(matrix));
      } finally {
        matrix.dispose();
        reference.dispose();
      }
    }
  }
}
