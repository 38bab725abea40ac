package io.github.xgbcontainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.LogCapture;
import io.github.xgbcontainer.matrix.Predictions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

  @TempDir Path dir;

  private static JobReport report(Optional<Map<String, Double>> shap) {
    Map<String, List<Double>> evaluation = new LinkedHashMap<>();
    evaluation.put("train-rmse", List.of(3.0, 2.0, 1.5, 1.25));
    evaluation.put("validation-rmse", List.of(3.5, 2.5, 2.25, 2.375));
    Map<String, Double> timings = new LinkedHashMap<>();
    timings.put("read and check data", 0.25);
    timings.put("train", 1.5);
    return new JobReport(
        Map.of("num_round", "4", "objective", "reg:squarederror", "note", "<script>alert('x')</script>"),
        List.of(new JobReport.ChannelShape("train", 2922, 8), new JobReport.ChannelShape("validation", 626, 8)),
        timings, evaluation, OptionalInt.of(2), Optional.of("validation-rmse"),
        Map.of("gain", Map.of("f0", 4.0, "f7", 9.0), "cover", Map.of("f0", 1.0, "f7", 2.0),
            "weight", Map.of("f0", 3.0, "f7", 5.0)),
        shap);
  }

  @Test
  void write_leavesChartsAndAReportThatEmbedsThem() throws IOException {
    new ReportWriter(dir).write(report(Optional.of(Map.of("f0", 0.5, "f7", 1.5))));

    for (String png : List.of("learning_curve.png", "feature_importance.png", "shap_summary.png")) {
      assertEquals(ChartRenderer.WIDTH, ChartRendererTest.decode(Files.readAllBytes(dir.resolve(png))).getWidth(), png);
    }
    String html = Files.readString(dir.resolve("report.html"));
    for (String section : List.of("<h2 id=\"metrics\">Final metrics</h2>", "<h2 id=\"learning-curve\">",
        "<h2 id=\"feature-importance\">", "<h2 id=\"shap\">", "<h2 id=\"data\">", "<h2 id=\"timings\">",
        "<h2 id=\"hyperparameters\">")) {
      assertTrue(html.contains(section), section);
    }
    assertTrue(html.contains("<p>4 rounds trained; best iteration 2 by validation-rmse.</p>"), html);
    assertTrue(html.contains("<tr><td>validation-rmse</td><td class=\"num\">2.3750</td><td class=\"num\">2.2500</td></tr>"));
    assertTrue(html.contains("<tr><td>validation</td><td class=\"num\">626</td><td class=\"num\">8</td></tr>"));
    assertTrue(html.contains("<tr><td>train</td><td class=\"num\">1.50</td></tr>"));
    assertTrue(html.contains("<tr><td>f7</td><td class=\"num\">9.0000</td><td class=\"num\">2.0000</td>"
        + "<td class=\"num\">5</td></tr>"), "weight counts splits: an integer");
    assertTrue(html.contains("<th>gain: average gain per split (loss reduction)</th>"));
    assertTrue(html.contains("<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</td>"));
    assertFalse(html.contains("<script>"));

    Matcher images = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
    int found = 0;
    while (images.find()) {
      ChartRendererTest.decode(Base64.getDecoder().decode(images.group(1)));
      found++;
    }
    assertEquals(3, found);
  }

  private static JobReport withDetails(io.github.xgbcontainer.output.ModelEvaluation evaluation) {
    JobReport plain = report(Optional.empty());
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("max_depth", "6");
    parameters.put("base_score", "[9.9E0]");
    parameters.put("objective", "binary:logistic");
    return new JobReport(plain.hyperparameters(), plain.channels(), plain.timings(), plain.evaluation(),
        plain.bestIteration(), plain.stoppingMetric(), plain.importance(), plain.shap(),
        new JobReport.Details(Optional.of("my-job-1"), "0.1.0", "3.4.0", parameters, "XGBoost's saved configuration",
            List.of("length", "width"), Optional.of(evaluation)));
  }

  @Test
  void write_classifierEvaluationAsTablesChartsAndFiles() throws IOException {
    // scores 0.9 0.8 0.7 0.6 0.5 0.4 for labels 1 1 0 1 0 0
    Predictions p = new Predictions(new float[] {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f}, 1);
    new ReportWriter(dir).write(withDetails(io.github.xgbcontainer.output.ModelEvaluation.Classification.of(
        "validation", new float[] {1, 1, 0, 1, 0, 0}, p, 0.5)));

    for (String png : List.of("confusion_matrix.png", "roc_curve.png", "precision_recall_curve.png",
        "calibration_curve.png")) {
      assertEquals(ChartRenderer.WIDTH, ChartRendererTest.decode(Files.readAllBytes(dir.resolve(png))).getWidth(), png);
    }
    String html = Files.readString(dir.resolve("report.html"));
    assertTrue(html.contains("<tr><th>training job</th><td>my-job-1</td></tr>\n<tr><th>objective</th>"
        + "<td>binary:logistic</td></tr>\n<tr><th>XGBoost version</th><td>3.4.0</td></tr>\n"
        + "<tr><th>image version</th><td>0.1.0</td></tr>"), html);
    assertTrue(html.contains("<p id=\"decision-rule\">Decision threshold: class 1 when its predicted probability is "
        + "at least 0.5. Accuracy 0.6667.</p>"), html);
    assertTrue(html.contains("<tr><th>0</th><td class=\"num\">1 (33.3%)</td><td class=\"num\">2 (66.7%)</td>"
        + "<td class=\"num\">3</td></tr>\n<tr><th>1</th><td class=\"num\">0 (0.0%)</td><td class=\"num\">3 (100.0%)"
        + "</td><td class=\"num\">3</td></tr>"), html);
    assertTrue(html.contains("<tr><td>class 1</td><td class=\"num\">0.8889</td><td class=\"num\">0.9167</td></tr>"));
    assertTrue(html.contains("<tr><td>base_score</td><td>[9.9E0]</td><td>XGBoost</td></tr>"));
    assertTrue(html.contains("<tr><td>objective</td><td>binary:logistic</td><td>hyperparameter</td></tr>"));
    assertTrue(html.contains("Feature columns, in order: <code>length</code>, <code>width</code>."));
    assertEquals(6, html.split("data:image/png;base64,", -1).length - 1, "curve, importance and four evaluation charts");
  }

  @Test
  void write_regressorAndRankerCharts() throws IOException {
    new ReportWriter(dir).write(withDetails(io.github.xgbcontainer.output.ModelEvaluation.of("reg:squarederror", "train",
        new float[] {1, 2, 3, 4}, new Predictions(new float[] {1, 3, 3, 2}, 1), null, java.util.OptionalInt.empty()).orElseThrow()));
    for (String png : List.of("predicted_vs_actual.png", "residuals_vs_predicted.png", "residual_histogram.png")) {
      ChartRendererTest.decode(Files.readAllBytes(dir.resolve(png)));
    }
    assertTrue(Files.readString(dir.resolve("report.html")).contains("<tr><th>RMSE</th><td class=\"num\">1.11803</td></tr>"));

    new ReportWriter(dir).write(withDetails(io.github.xgbcontainer.output.ModelEvaluation.of("rank:ndcg", "validation",
        new float[] {1, 0, 0, 0}, new Predictions(new float[] {0.9f, 0.1f, 0.3f, 0.2f}, 1), new int[] {0, 2, 4},
        java.util.OptionalInt.of(3)).orElseThrow()));
    ChartRendererTest.decode(Files.readAllBytes(dir.resolve("ndcg_per_query.png")));
    assertTrue(Files.readString(dir.resolve("report.html")).contains("<p>NDCG@3 per query, with gain 2<sup>relevance</sup>"
        + " - 1 as XGBoost computes it: 1 of 2 queries have a relevant document; their mean is 1.0000 (XGBoost scores "
        + "the others as 1).</p>"));
  }

  @Test
  void write_withoutShapLeavesNoShapChart() throws IOException {
    new ReportWriter(dir).write(report(Optional.empty()));

    assertFalse(Files.exists(dir.resolve("shap_summary.png")));
    assertFalse(Files.readString(dir.resolve("report.html")).contains("id=\"shap\""));
  }

  @Test
  void jobReport_rejectsABestIterationOutsideTheRounds() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JobReport(Map.of(),
        List.of(), Map.of(), Map.of("train-rmse", List.of(1.0)), OptionalInt.of(3), Optional.empty(), Map.of(),
        Optional.empty()));
    assertEquals("best iteration 3 is not one of the 1 rounds", e.getMessage());
  }

  @Test
  void writeOrWarn_writesAndSaysWhere() {
    boolean written;
    List<String> lines;
    try (LogCapture log = new LogCapture(ReportWriter.class)) {
      written = ReportWriter.writeOrWarn(dir, () -> report(Optional.empty()),
          ReportWriter.startLearningCurve(Map.of("train-rmse", List.of(2.0, 1.0)), OptionalInt.empty()),
          ReportWriter.startEvaluation(Optional::empty));
      lines = log.lines();
    }

    assertTrue(written);
    assertTrue(Files.exists(dir.resolve("report.html")));
    assertEquals(List.of("INFO report written to " + dir.resolve("report.html")), lines);
  }

  @Test
  void writeOrWarn_logsAFailureAndLeavesNoReport() {
    boolean written;
    List<String> lines;
    try (LogCapture log = new LogCapture(ReportWriter.class)) {
      written = ReportWriter.writeOrWarn(dir, () -> new JobReport(Map.of(), List.of(), Map.of(),
          Map.of("train-rmse", List.of(1.0)), OptionalInt.of(3), Optional.empty(), Map.of(), Optional.empty()),
          ReportWriter.startLearningCurve(Map.of("train-rmse", List.of(1.0)), OptionalInt.empty()),
          ReportWriter.startEvaluation(Optional::empty));
      lines = log.lines();
    }

    assertFalse(written, "a report that cannot be made leaves the job successful");
    assertFalse(Files.exists(dir.resolve("report.html")));
    assertEquals(List.of("WARNING charts and report.html were not written: java.lang.IllegalArgumentException: "
        + "best iteration 3 is not one of the 1 rounds"), lines);
  }

  @Test
  void startEvaluation_measuresOnItsOwnThread_andItsChartsGoIntoTheReport() throws IOException {
    Predictions p = new Predictions(new float[] {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f}, 1);
    io.github.xgbcontainer.output.ModelEvaluation measured = io.github.xgbcontainer.output.ModelEvaluation.Classification
        .of("validation", new float[] {1, 1, 0, 1, 0, 0}, p, 0.5);
    List<String> measuredOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    ReportWriter.Evaluation evaluation = ReportWriter.startEvaluation(() -> {
      measuredOn.add(Thread.currentThread().getName());
      return Optional.of(measured);
    });

    assertEquals(Optional.of(measured), evaluation.result());
    assertEquals(List.of("report-evaluation"), measuredOn);
    assertTrue(ReportWriter.writeOrWarn(dir, () -> withDetails(measured),
        ReportWriter.startLearningCurve(Map.of("train-rmse", List.of(2.0, 1.0)), OptionalInt.empty()), evaluation));
    for (String png : List.of("confusion_matrix.png", "roc_curve.png", "precision_recall_curve.png",
        "calibration_curve.png")) {
      assertEquals(ChartRenderer.WIDTH, ChartRendererTest.decode(Files.readAllBytes(dir.resolve(png))).getWidth(), png);
    }
    assertEquals(6, Files.readString(dir.resolve("report.html")).split("data:image/png;base64,", -1).length - 1,
        "curve, importance and four evaluation charts");
  }

  @Test
  void startEvaluation_aFailureInMeasuringIsRethrownAndLeavesNoReport() {
    ReportWriter.Evaluation evaluation = ReportWriter.startEvaluation(() -> {
      throw new IllegalStateException("labels and predictions differ in length");
    });

    IllegalStateException e = assertThrows(IllegalStateException.class, evaluation::result);
    assertEquals("labels and predictions differ in length", e.getMessage());
    boolean written;
    List<String> lines;
    try (LogCapture log = new LogCapture(ReportWriter.class)) {
      written = ReportWriter.writeOrWarn(dir, () -> report(Optional.empty()),
          ReportWriter.startLearningCurve(Map.of("train-rmse", List.of(1.0)), OptionalInt.empty()), evaluation);
      lines = log.lines();
    }
    assertFalse(written);
    assertFalse(Files.exists(dir.resolve("report.html")));
    assertEquals(List.of("WARNING charts and report.html were not written: java.lang.IllegalStateException: "
        + "labels and predictions differ in length"), lines);
  }
}
