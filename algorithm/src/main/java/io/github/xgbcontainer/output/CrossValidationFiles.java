package io.github.xgbcontainer.output;

import io.github.xgbcontainer.matrix.Predictions;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * What cross-validation ({@code _kfold}) leaves: the fold models as {@code model/xgboost-model-<i>}
 * (as the official image names them), the out-of-fold predictions as
 * {@code output/data/predictions.csv}, every fold's scores as {@code output/data/cross_validation.json}.
 */
public final class CrossValidationFiles {

  private static final Logger LOG = Logger.getLogger(CrossValidationFiles.class.getName());
  static final String PREDICTIONS = "predictions.csv";
  static final String SCORES = "cross_validation.json";

  private final SageMakerPaths paths;

  public CrossValidationFiles(SageMakerPaths paths) {
    this.paths = paths;
  }

  /**
   * Writes the files, each atomically.
   *
   * @param kfold the number of folds
   * @param models every fold's model (UBJSON), repeat by repeat
   * @param foldScores every fold's final scores ({@code train-rmse}, {@code validation-rmse}, ...)
   * @param folds per repeat, the fold of every row
   * @param predictions per repeat, every row's out-of-fold prediction (one value per output)
   * @param labels every row's label
   */
  public void write(int kfold, List<byte[]> models, List<Map<String, Double>> foldScores, int[][] folds,
      Predictions[] predictions, float[] labels) {
    StringBuilder csv = new StringBuilder("row,label");
    int repeats = folds.length;
    int outputsPerRow = predictions[0].columns();
    for (int r = 1; r <= repeats; r++) {
      String suffix = repeats == 1 ? "" : "_" + r;
      csv.append(",fold").append(suffix);
      for (int c = 0; c < outputsPerRow; c++) {
        csv.append(",prediction").append(suffix).append(outputsPerRow == 1 ? "" : "_" + c);
      }
    }
    csv.append('\n');
    for (int row = 0; row < labels.length; row++) {
      csv.append(row).append(',').append(labels[row]);
      for (int r = 0; r < repeats; r++) {
        csv.append(',').append(folds[r][row]);
        for (int c = 0; c < outputsPerRow; c++) {
          csv.append(',').append(predictions[r].get(row, c));
        }
      }
      csv.append('\n');
    }
    AtomicFiles.write(paths.outputDataDir().resolve(PREDICTIONS), csv.toString().getBytes(StandardCharsets.UTF_8));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kfold", kfold);
    doc.put("repeats", repeats);
    doc.put("folds", foldScores);
    new ModelOutputs(paths).writeJson(SCORES, doc);
    for (int i = 0; i < models.size(); i++) {
      AtomicFiles.write(paths.modelDir().resolve("xgboost-model-" + i), models.get(i));
    }
    LOG.info("cross-validation: " + models.size() + " fold models written to " + paths.modelDir()
        + ", out-of-fold predictions to " + paths.outputDataDir().resolve(PREDICTIONS));
  }
}
