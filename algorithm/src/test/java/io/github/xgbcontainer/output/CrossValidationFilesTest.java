package io.github.xgbcontainer.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.xgbcontainer.matrix.Predictions;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files cross-validation leaves, checked byte for byte. */
class CrossValidationFilesTest {

  @TempDir Path root;

  private SageMakerPaths paths() throws IOException {
    SageMakerPaths paths = new SageMakerPaths(root);
    Files.createDirectories(paths.modelDir());
    Files.createDirectories(paths.outputDataDir());
    return paths;
  }

  private static Map<String, Double> scores(double train, double validation) {
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("train-rmse", train);
    scores.put("validation-rmse", validation);
    return scores;
  }

  @Test
  void write_oneRepeatOneOutput() throws IOException {
    SageMakerPaths paths = paths();
    new CrossValidationFiles(paths).write(2, List.of(new byte[] {1}, new byte[] {2}),
        List.of(scores(0.5, 0.75), scores(0.25, 1.0)), new int[][] {{0, 1, 0}},
        new Predictions[] {new Predictions(new float[] {0.5f, 1.25f, 2f}, 1)}, new float[] {1f, 0f, 2.5f});

    assertEquals("row,label,fold,prediction\n0,1.0,0,0.5\n1,0.0,1,1.25\n2,2.5,0,2.0\n",
        Files.readString(paths.outputDataDir().resolve("predictions.csv")));
    assertEquals("{\n  \"kfold\" : 2,\n  \"repeats\" : 1,\n  \"folds\" : [ {\n    \"train-rmse\" : 0.5,\n"
        + "    \"validation-rmse\" : 0.75\n  }, {\n    \"train-rmse\" : 0.25,\n    \"validation-rmse\" : 1.0\n  } ]\n}",
        Files.readString(paths.outputDataDir().resolve("cross_validation.json")));
    assertArrayEquals(new byte[] {1}, Files.readAllBytes(paths.modelDir().resolve("xgboost-model-0")));
    assertArrayEquals(new byte[] {2}, Files.readAllBytes(paths.modelDir().resolve("xgboost-model-1")));
  }

  @Test
  void write_namesColumnsPerRepeatAndOutput() throws IOException {
    SageMakerPaths paths = paths();
    new CrossValidationFiles(paths).write(2, List.of(), List.of(), new int[][] {{0, 1}, {1, 0}},
        new Predictions[] {new Predictions(new float[] {0.25f, 0.75f, 0.5f, 0.5f}, 2),
            new Predictions(new float[] {1f, 0f, 0f, 1f}, 2)}, new float[] {1f, 0f});

    assertEquals("row,label,fold_1,prediction_1_0,prediction_1_1,fold_2,prediction_2_0,prediction_2_1\n"
        + "0,1.0,0,0.25,0.75,1,1.0,0.0\n1,0.0,1,0.5,0.5,0,0.0,1.0\n",
        Files.readString(paths.outputDataDir().resolve("predictions.csv")));
  }
}
