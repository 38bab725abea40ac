package io.github.xgbcontainer.report;

import io.github.xgbcontainer.output.AtomicFiles;
import io.github.xgbcontainer.output.ModelEvaluation;
import java.awt.AWTError;
import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * Cross-validation's own report, {@code output/data/cross_validation_report.html}: every fold's
 * learning curve with the mean and standard deviation per round, every fold's final scores, and the
 * out-of-fold predictions measured as the training report measures validation.
 *
 * @param kfold folds per repeat
 * @param repeats repeats ({@code _num_cv_round})
 * @param foldHistories every fold's scores per round, {@code channel-metric} to its series
 * @param foldScores every fold's final scores
 * @param outOfFold the out-of-fold predictions of the first repeat, measured
 * @param details the job's name, versions and objective (no model evaluation: that is {@code outOfFold})
 * @param hyperparameters the job's hyperparameters as given
 */
public record CrossValidationReport(int kfold, int repeats, List<Map<String, List<Double>>> foldHistories,
    List<Map<String, Double>> foldScores, Optional<ModelEvaluation> outOfFold, JobReport.Details details,
    Map<String, String> hyperparameters) {

  private static final Logger LOG = Logger.getLogger(CrossValidationReport.class.getName());

  public static final String REPORT = "cross_validation_report.html";
  public static final String CURVES = "cross_validation_curves.png";

  private static final Color TRAIN = new Color(0x1F77B4);
  private static final Color VALIDATION = new Color(0xFF7F0E);

  public CrossValidationReport {
    if (kfold < 2 || repeats < 1) {
      throw new IllegalArgumentException("cross-validation needs at least 2 folds and 1 repeat, not " + kfold
          + " and " + repeats);
    }
    foldHistories = List.copyOf(foldHistories);
    foldScores = List.copyOf(foldScores);
    Objects.requireNonNull(outOfFold, "outOfFold");
    Objects.requireNonNull(details, "details");
    hyperparameters = Map.copyOf(hyperparameters);
  }

  /** Mean and population standard deviation of each round over the folds that reached it. */
  static double[][] meanAndStd(List<List<Double>> series) {
    int rounds = series.stream().mapToInt(List::size).max().orElse(0);
    double[][] out = new double[2][rounds];
    for (int r = 0; r < rounds; r++) {
      double sum = 0;
      int n = 0;
      for (List<Double> s : series) {
        if (r < s.size()) {
          sum += s.get(r);
          n++;
        }
      }
      double mean = sum / n;
      double squares = 0;
      for (List<Double> s : series) {
        if (r < s.size()) {
          squares += (s.get(r) - mean) * (s.get(r) - mean);
        }
      }
      out[0][r] = mean;
      out[1][r] = Math.sqrt(squares / n);
    }
    return out;
  }

  /** The {@code channel-metric} names in first-seen order. */
  private Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    foldHistories.forEach(h -> names.addAll(h.keySet()));
    return names;
  }

  private List<List<Double>> seriesOf(String name) {
    List<List<Double>> out = new ArrayList<>();
    foldHistories.forEach(h -> {
      if (h.containsKey(name)) {
        out.add(h.get(name));
      }
    });
    return out;
  }

  /**
   * One panel per metric: each fold's validation curve as a thin line, and the mean over folds with a
   * band of one standard deviation either side, for train and validation.
   */
  byte[] curves() {
    Map<String, List<String>> byMetric = new LinkedHashMap<>();
    for (String name : names()) {
      byMetric.computeIfAbsent(name.substring(name.indexOf('-') + 1), m -> new ArrayList<>()).add(name);
    }
    NumberAxis rounds = new NumberAxis("boosting round");
    rounds.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    CombinedDomainXYPlot combined = new CombinedDomainXYPlot(rounds);
    combined.setGap(12);
    for (Map.Entry<String, List<String>> metric : byMetric.entrySet()) {
      YIntervalSeriesCollection bands = new YIntervalSeriesCollection();
      List<Color> colours = new ArrayList<>();
      XYSeriesCollection folds = new XYSeriesCollection();
      for (String name : metric.getValue()) {
        String channel = name.substring(0, name.indexOf('-'));
        List<List<Double>> series = seriesOf(name);
        double[][] ms = meanAndStd(series);
        YIntervalSeries band = new YIntervalSeries(channel + " mean ± std over " + series.size() + " folds");
        for (int r = 0; r < ms[0].length; r++) {
          band.add(r, ms[0][r], ms[0][r] - ms[1][r], ms[0][r] + ms[1][r]);
        }
        bands.addSeries(band);
        colours.add(channel.equals("train") ? TRAIN : VALIDATION);
        if (!channel.equals("train")) {
          for (int f = 0; f < series.size(); f++) {
            XYSeries line = new XYSeries(channel + " fold " + (f + 1), false, true);
            for (int r = 0; r < series.get(f).size(); r++) {
              line.add(r, series.get(f).get(r));
            }
            folds.addSeries(line);
          }
        }
      }
      DeviationRenderer renderer = new DeviationRenderer(true, false);
      for (int i = 0; i < colours.size(); i++) {
        renderer.setSeriesPaint(i, colours.get(i));
        renderer.setSeriesFillPaint(i, colours.get(i));
        renderer.setSeriesStroke(i, new BasicStroke(2.5f));
      }
      renderer.setAlpha(0.18f);
      NumberAxis scores = new NumberAxis(metric.getKey());
      scores.setAutoRangeIncludesZero(false);
      XYPlot plot = new XYPlot(bands, null, scores, renderer);
      XYLineAndShapeRenderer thin = new XYLineAndShapeRenderer(true, false);
      for (int i = 0; i < folds.getSeriesCount(); i++) {
        thin.setSeriesPaint(i, new Color(VALIDATION.getRed(), VALIDATION.getGreen(), VALIDATION.getBlue(), 110));
        thin.setSeriesStroke(i, new BasicStroke(1f));
      }
      plot.setDataset(1, folds);
      plot.setRenderer(1, thin);
      ChartRenderer.styleXy(plot);
      combined.add(plot, 1);
      if (combined.getFixedLegendItems() == null) {
        LegendItemCollection legend = new LegendItemCollection();
        for (int i = 0; i < bands.getSeriesCount(); i++) {
          legend.add(new LegendItem(bands.getSeriesKey(i).toString(), colours.get(i)));
        }
        legend.add(new LegendItem("validation, each fold", new Color(VALIDATION.getRed(), VALIDATION.getGreen(),
            VALIDATION.getBlue(), 110)));
        combined.setFixedLegendItems(legend);
      }
    }
    JFreeChart chart = new JFreeChart("Cross-validation learning curves (" + kfold + " folds"
        + (repeats > 1 ? " x " + repeats + " repeats" : "") + ")", JFreeChart.DEFAULT_TITLE_FONT, combined, true);
    chart.setBackgroundPaint(Color.WHITE);
    int height = 120 + 260 * Math.max(1, byMetric.size());
    return ChartRenderer.png(List.of(chart), ChartRenderer.WIDTH, List.of(height));
  }

  /**
   * Writes the report once the fold models are written: a failure here (such as a machine without
   * fonts) is logged and leaves the job successful, as {@link ReportWriter#writeOrWarn} does.
   *
   * @param report builds the report; what it throws is logged the same way
   * @return whether the files were written
   */
  public static boolean writeOrWarn(Path folder, Supplier<CrossValidationReport> report) {
    try {
      report.get().write(folder);
      LOG.info("cross-validation report written to " + folder.resolve(REPORT));
      return true;
    } catch (RuntimeException | LinkageError | AWTError e) {
      LOG.warning("the cross-validation report was not written: " + e);
      return false;
    }
  }

  /** Writes the curves, the out-of-fold charts and the report into {@code folder}, each atomically. */
  public void write(Path folder) {
    byte[] curves = curves();
    Map<String, byte[]> evaluation = outOfFold.map(EvaluationCharts::draw).orElse(Map.of());
    AtomicFiles.write(folder.resolve(CURVES), curves);
    evaluation.forEach((name, png) -> AtomicFiles.write(folder.resolve(name), png));
    AtomicFiles.write(folder.resolve(REPORT), html(curves, evaluation).getBytes(StandardCharsets.UTF_8));
  }

  String html(byte[] curves, Map<String, byte[]> evaluation) {
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>XGBoost cross-validation report</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:2em auto;max-width:960px;color:#222}\n")
        .append("table{border-collapse:collapse;margin:.5em 0 1.5em}\n")
        .append("th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}\n")
        .append("td.num{text-align:right;font-variant-numeric:tabular-nums}\n")
        .append("img{max-width:100%;border:1px solid #eee}\n</style>\n</head>\n<body>\n")
        .append("<h1>XGBoost cross-validation report</h1>\n<table id=\"about\">\n");
    details.jobName().ifPresent(n -> h.append("<tr><th>training job</th><td>").append(ReportWriter.escape(n))
        .append("</td></tr>\n"));
    h.append("<tr><th>objective</th><td>").append(ReportWriter.escape(hyperparameters.getOrDefault("objective",
            "reg:squarederror"))).append("</td></tr>\n")
        .append("<tr><th>folds</th><td>").append(kfold).append(repeats > 1 ? " x " + repeats + " repeats" : "")
        .append("</td></tr>\n")
        .append("<tr><th>XGBoost version</th><td>").append(ReportWriter.escape(details.xgboostVersion()))
        .append("</td></tr>\n<tr><th>image version</th><td>").append(ReportWriter.escape(details.imageVersion()))
        .append("</td></tr>\n</table>\n");

    h.append("<h2 id=\"fold-scores\">Final scores per fold</h2>\n<p>Each fold's model scored on the rows it trained on "
        + "(train) and on its held-out rows (validation), after its last round.</p>\n<table>\n<tr><th>fold</th>");
    List<String> names = new ArrayList<>(names());
    names.forEach(n -> h.append("<th>").append(ReportWriter.escape(n)).append("</th>"));
    h.append("</tr>\n");
    for (int f = 0; f < foldScores.size(); f++) {
      h.append("<tr><td>").append(repeats > 1 ? "repeat " + (f / kfold + 1) + " fold " + (f % kfold + 1)
          : Integer.toString(f + 1)).append("</td>");
      for (String n : names) {
        h.append("<td class=\"num\">").append(ReportWriter.number(foldScores.get(f).get(n))).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("<tr><th>mean ± std</th>");
    for (String n : names) {
      List<List<Double>> last = new ArrayList<>();
      foldScores.forEach(s -> {
        if (s.containsKey(n)) {
          last.add(List.of(s.get(n)));
        }
      });
      double[][] ms = meanAndStd(last);
      h.append("<td class=\"num\">").append(ms[0].length == 0 ? "" : meanStd(ms[0][0], ms[1][0])).append("</td>");
    }
    h.append("</tr>\n</table>\n");

    h.append("<h2 id=\"learning-curves\">Learning curves</h2>\n");
    ReportWriter.image(h, curves, "cross-validation learning curves");
    h.append("<details id=\"per-round\"><summary>Mean ± standard deviation over the folds, per round</summary>\n"
        + "<table>\n<tr><th>round</th>");
    names.forEach(n -> h.append("<th>").append(ReportWriter.escape(n)).append("</th>"));
    h.append("</tr>\n");
    List<double[][]> perName = names.stream().map(n -> meanAndStd(seriesOf(n))).toList();
    int rounds = perName.stream().mapToInt(ms -> ms[0].length).max().orElse(0);
    for (int r = 0; r < rounds; r++) {
      h.append("<tr><td class=\"num\">").append(r).append("</td>");
      for (double[][] ms : perName) {
        h.append("<td class=\"num\">").append(r < ms[0].length ? meanStd(ms[0][r], ms[1][r]) : "").append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n</details>\n");

    outOfFold.ifPresent(e -> EvaluationSection.append(h, e, evaluation));
    h.append("<h2 id=\"hyperparameters\">Hyperparameters</h2>\n<table>\n<tr><th>name</th><th>value</th></tr>\n");
    hyperparameters.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> h.append("<tr><td>").append(ReportWriter.escape(e.getKey())).append("</td><td>")
            .append(ReportWriter.escape(e.getValue())).append("</td></tr>\n"));
    h.append("</table>\n</body>\n</html>\n");
    return h.toString();
  }

  private static String meanStd(double mean, double std) {
    return String.format(Locale.ROOT, "%.5g ± %.2g", mean, std);
  }
}
