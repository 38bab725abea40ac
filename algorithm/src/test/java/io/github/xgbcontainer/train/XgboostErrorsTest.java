package io.github.xgbcontainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.xgbcontainer.error.ContainerException;
import java.util.Map;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.Test;

class XgboostErrorsTest {

  /** A real native error: logistic regression on a label of 3. */
  @Test
  void translate_makesBadLabelsAUserErrorWithoutNativeNoise() throws XGBoostError {
    DMatrix data = new DMatrix(new float[] {1, 2, 3, 4}, 2, 2, Float.NaN);
    try {
      data.setLabel(new float[] {0, 3});
      XGBoostError native_ = assertThrows(XGBoostError.class, () -> XGBoost.train(data,
          Map.of("objective", "binary:logistic", "nthread", 1), 1, Map.of(), null, null));
      ContainerException e = XgboostErrors.translate(native_);
      assertEquals(ContainerException.Kind.USER, e.kind());
      assertEquals("labels must be in [0, 1] for logistic objectives (XGBoost estimates base_score from the labels "
          + "and found it outside (0, 1)); a base_score you set must be in (0, 1) too (XGBoost: base_score must be in "
          + "(0,1) for the logistic loss.)", e.getMessage());
    } finally {
      data.dispose();
    }
  }

  @Test
  void translate_namesTheClassRangeForMultiClass() throws XGBoostError {
    DMatrix data = new DMatrix(new float[] {1, 2, 3, 4}, 2, 2, Float.NaN);
    try {
      data.setLabel(new float[] {0, 7});
      XGBoostError native_ = assertThrows(XGBoostError.class, () -> XGBoost.train(data,
          Map.of("objective", "multi:softmax", "num_class", 3, "nthread", 1), 1, Map.of(), null, null));
      ContainerException e = XgboostErrors.translate(native_);
      assertEquals(ContainerException.Kind.USER, e.kind());
      assertEquals("labels must be whole numbers in [0, num_class) for multi:* objectives (XGBoost: "
          + "SoftmaxMultiClassObj: label must be discrete values in the range of [0, num_class).)", e.getMessage());
    } finally {
      data.dispose();
    }
  }

  @Test
  void translate_keepsOtherErrorsAsAlgorithmErrors() {
    ContainerException e = XgboostErrors.translate(new XGBoostError(
        "[20:02:19] /workspace/src/learner.cc:123: Something broke\nStack trace:\n  [bt] (0) x"));
    assertEquals(ContainerException.Kind.ALGORITHM, e.kind());
    assertEquals("XGBoost failed: Something broke", e.getMessage());
  }
}
