package io.github.xgbcontainer.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.matrix.Predictions;
import io.github.xgbcontainer.output.ModelEvaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrossValidationReportTest {

  @TempDir Path dir;

  private static Map<String, List<Double>> fold(double... validation) {
    Map<String, List<Double>> h = new LinkedHashMap<>();
    h.put("train-rmse", java.util.Arrays.stream(validation).map(v -> v / 2).boxed().toList());
    h.put("validation-rmse", java.util.Arrays.stream(validation).boxed().toList());
    return h;
  }

  @Test
  void meanAndStd_perRoundOverTheFoldsThatReachedIt() {
    double[][] ms = CrossValidationReport.meanAndStd(List.of(List.of(1.0, 4.0), List.of(3.0, 2.0), List.of(2.0)));
    assertArrayEquals(new double[] {2.0, 3.0}, ms[0], 1e-12);
    // round 0: deviations -1, 1, 0 -> sqrt(2/3); round 1: 1, -1 -> 1
    assertArrayEquals(new double[] {Math.sqrt(2.0 / 3), 1.0}, ms[1], 1e-12);
  }

  @Test
  void write_leavesCurvesOutOfFoldChartsAndAReport() throws IOException {
    List<Map<String, List<Double>>> folds = List.of(fold(4, 3, 2), fold(6, 5, 4));
    List<Map<String, Double>> finals = List.of(Map.of("train-rmse", 1.0, "validation-rmse", 2.0),
        Map.of("train-rmse", 2.0, "validation-rmse", 4.0));
    ModelEvaluation oof = ModelEvaluation.of("reg:squarederror", EvaluationCharts.OUT_OF_FOLD, new float[] {1, 2, 3, 4},
        new Predictions(new float[] {1, 3, 3, 2}, 1), null, java.util.OptionalInt.empty()).orElseThrow();
    new CrossValidationReport(2, 1, folds, finals, Optional.of(oof), JobReport.Details.NONE,
        Map.of("objective", "reg:squarederror", "_kfold", "2")).write(dir);

    assertEquals(ChartRenderer.WIDTH, ChartRendererTest.decode(Files.readAllBytes(dir.resolve("cross_validation_curves.png")))
        .getWidth());
    ChartRendererTest.decode(Files.readAllBytes(dir.resolve("residual_histogram.png")));
    String html = Files.readString(dir.resolve("cross_validation_report.html"));
    assertTrue(html.contains("<tr><td>1</td><td class=\"num\">1.0000</td><td class=\"num\">2.0000</td></tr>"), html);
    assertTrue(html.contains("<tr><th>mean ± std</th><td class=\"num\">1.5000 ± 0.50</td><td class=\"num\">3.0000 ± 1.0"
        + "</td></tr>"), html);
    // round 2: validation 2 and 4
    assertTrue(html.contains("<tr><td class=\"num\">2</td><td class=\"num\">1.5000 ± 0.50</td><td class=\"num\">3.0000 ± 1.0"
        + "</td></tr>"), html);
    assertTrue(html.contains("<h2 id=\"model-evaluation\">Out-of-fold evaluation</h2>"));
    assertEquals(4, html.split("data:image/png;base64,", -1).length - 1, "curves and three regression charts");
  }

  @Test
  void rejectsOneFold() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CrossValidationReport(1, 1,
        List.of(), List.of(), Optional.empty(), JobReport.Details.NONE, Map.of()));
    assertEquals("cross-validation needs at least 2 folds and 1 repeat, not 1 and 1", e.getMessage());
  }
}
