package io.github.xgbcontainer.serve;

import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/** A small binary:logistic model on two features, trained with xgboost4j, written where serve reads it. */
final class ServedModels {

  private ServedModels() {}

  /** Writes the model under {@code root}/model/xgboost-model and returns the paths. */
  static SageMakerPaths binary(Path root) throws Exception {
    Random random = new Random(11);
    int n = 200;
    float[] x = new float[n * 2];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = random.nextFloat() * 10;
      x[2 * i + 1] = random.nextFloat() * 10;
      y[i] = x[2 * i] + x[2 * i + 1] > 10 ? 1 : 0;
    }
    DMatrix d = new DMatrix(x, n, 2, Float.NaN);
    Booster booster;
    try {
      d.setLabel(y);
      booster = XGBoost.train(d, Map.of("objective", "binary:logistic", "max_depth", 3, "nthread", 1), 5,
          Map.of(), null, null);
    } finally {
      d.dispose();
    }
    SageMakerPaths paths = new SageMakerPaths(root);
    Files.createDirectories(paths.modelDir());
    try {
      Files.write(paths.modelFile(), booster.toByteArray("ubj"));
    } finally {
      booster.dispose();
    }
    return paths;
  }
}
