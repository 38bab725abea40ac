package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model file is what Python users load: Debian's python3-xgboost (the official image's
 * generation, 1.7) reads it and predicts what xgboost4j predicts. CI installs python3-xgboost;
 * elsewhere the test is skipped when Python cannot import xgboost.
 */
class PythonCompatibilityIT {

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir Path dir;

  @Test
  void pythonXgboostLoadsTheModelAndPredictsTheSame() throws Exception {
    boolean available = Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import xgboost")).exit == 0;
    if (System.getenv("CI") == null) {
      assumeTrue(available, "python3-xgboost is not installed");
    }
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"8\", \"objective\": \"binary:logistic\", \"base_score\": \"0.5\","
            + " \"max_depth\": \"3\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/libsvm\"}}")
        .channel("train", TrainJob.ANCHOR.resolve("abalone-binary/data/train"))
        .run();
    assertEquals(0, job.exitCode, job::toString);

    Path data = TrainJob.ANCHOR.resolve("abalone-binary/data/validation/abalone.validation");
    Path script = dir.resolve("predict.py");
    Files.writeString(script, String.join("\n",
        "import sys, xgboost",
        "b = xgboost.Booster()",
        "b.load_model(sys.argv[1])",
        "d = xgboost.DMatrix(sys.argv[2] + '?format=libsvm')",
        "print(b.num_boosted_rounds())",
        "print('\\n'.join('%.6f' % p for p in b.predict(d)))", ""));
    Result python = run(List.of(PYTHON.toString(), script.toString(), job.model().toString(), data.toString()));
    assertEquals(0, python.exit, python.output);
    List<String> lines = python.output.lines().filter(l -> l.matches("[0-9.]+")).toList();
    assertEquals("8", lines.get(0));

    Booster booster = XGBoost.loadModel(Files.newInputStream(job.model()));
    DMatrix matrix = new DMatrix(data + "?format=libsvm");
    float[][] java = booster.predict(matrix);
    assertEquals(java.length, lines.size() - 1);
    for (int i = 0; i < java.length; i++) {
      assertEquals(java[i][0], Double.parseDouble(lines.get(i + 1)), 2e-6, "row " + i);
    }
    matrix.dispose();
    booster.dispose();
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("python did not finish");
    }
    return new Result(p.exitValue(), out);
  }
}
