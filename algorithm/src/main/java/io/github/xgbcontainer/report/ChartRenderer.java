package io.github.xgbcontainer.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws the job's charts as PNG bytes, without a display: a training container has none, and
 * AWT reads {@code java.awt.headless} once, when it first starts, so it is set here before any
 * chart class touches AWT.
 */
public final class ChartRenderer {

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** Image width of every chart, in pixels. */
  public static final int WIDTH = 900;
  /** Most features a bar chart shows; the JSON files hold them all. */
  public static final int MAX_BARS = 20;

  private static final Color BACKGROUND = Color.WHITE;
  private static final Color GRID = new Color(0xDDDDDD);
  private static final Color[] CHANNEL_COLOURS = {
    new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0xD62728)
  };
  private static final Color BAR = new Color(0x1F77B4);
  private static final Color BEST = new Color(0xD62728);

  /**
   * One panel per metric, one line per channel ({@code train-rmse} and {@code validation-rmse}
   * share the rmse panel), the best iteration as a vertical line.
   *
   * @param series {@code channel-metric} to its score per round, as in evaluation_history.json
   * @param bestIteration the zero-based round early stopping kept, if any
   */
  public byte[] learningCurve(Map<String, List<Double>> series, OptionalInt bestIteration) {
    JFreeChart chart = learningCurveChart(series, bestIteration);
    int panels = ((CombinedDomainXYPlot) chart.getXYPlot()).getSubplots().size();
    return png(List.of(chart), WIDTH, List.of(120 + 260 * Math.max(1, panels)));
  }

  /** The learning curve as a chart, before it is drawn. */
  static JFreeChart learningCurveChart(Map<String, List<Double>> series, OptionalInt bestIteration) {
    Map<String, XYSeriesCollection> byMetric = new LinkedHashMap<>();
    for (Map.Entry<String, List<Double>> e : series.entrySet()) {
      int dash = e.getKey().indexOf('-');
      String channel = dash < 0 ? e.getKey() : e.getKey().substring(0, dash);
      String metric = dash < 0 ? e.getKey() : e.getKey().substring(dash + 1);
      XYSeries line = new XYSeries(channel, false, true);
      List<Double> scores = e.getValue();
      for (int round = 0; round < scores.size(); round++) {
        double score = scores.get(round);
        if (Double.isFinite(score)) {
          line.add(round, score);
        }
      }
      byMetric.computeIfAbsent(metric, m -> new XYSeriesCollection()).addSeries(line);
    }
    NumberAxis rounds = new NumberAxis("boosting round");
    rounds.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    CombinedDomainXYPlot combined = new CombinedDomainXYPlot(rounds);
    combined.setGap(12);
    for (Map.Entry<String, XYSeriesCollection> e : byMetric.entrySet()) {
      NumberAxis scoreAxis = new NumberAxis(e.getKey());
      scoreAxis.setAutoRangeIncludesZero(false);
      XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
      for (int i = 0; i < e.getValue().getSeriesCount(); i++) {
        renderer.setSeriesPaint(i, CHANNEL_COLOURS[i % CHANNEL_COLOURS.length]);
        renderer.setSeriesStroke(i, new BasicStroke(2f));
      }
      XYPlot plot = new XYPlot(e.getValue(), null, scoreAxis, renderer);
      styleXy(plot);
      bestIteration.ifPresent(best -> {
        ValueMarker marker = new ValueMarker(best, BEST, new BasicStroke(2f, BasicStroke.CAP_BUTT,
            BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        marker.setLabel("best iteration " + best);
        marker.setLabelPaint(BEST);
        marker.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        marker.setLabelBackgroundColor(new Color(255, 255, 255, 220));
        marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
        // in front of the lines: a best round where the curves are flat would otherwise hide under them
        plot.addDomainMarker(marker, Layer.FOREGROUND);
      });
      combined.add(plot, 1);
      if (combined.getFixedLegendItems() == null) {
        // every panel has the same channels: one legend entry per channel, not per panel
        combined.setFixedLegendItems(plot.getLegendItems());
      }
    }
    JFreeChart chart = new JFreeChart("Learning curve", JFreeChart.DEFAULT_TITLE_FONT, combined, true);
    chart.setBackgroundPaint(BACKGROUND);
    if (byMetric.isEmpty()) {
      chart.addSubtitle(new TextTitle("no evaluation metrics were recorded"));
    }
    return chart;
  }

  /**
   * Feature importance: one bar panel per type (gain, cover, weight), features in the order of
   * the first type's scores, largest first, at most {@link #MAX_BARS}.
   *
   * @param scores importance type to feature to score
   */
  public byte[] featureImportance(Map<String, Map<String, Double>> scores) {
    List<JFreeChart> charts = new ArrayList<>();
    List<Integer> heights = new ArrayList<>();
    Map<String, Map<String, Double>> panels = scores.isEmpty() ? Map.of("gain", Map.of()) : scores;
    for (Map.Entry<String, Map<String, Double>> e : panels.entrySet()) {
      charts.add(barChart("Feature importance: " + e.getKey(), importanceLabel(e.getKey()), e.getValue()));
      heights.add(barHeight(e.getValue().size()));
    }
    return png(charts, WIDTH, heights);
  }

  /** What an importance type measures, as its axis says it (XGBoost's get_score definitions). */
  static String importanceLabel(String type) {
    return switch (type) {
      case "gain" -> "average gain per split (loss reduction)";
      case "cover" -> "average cover per split (sum of hessians of the rows it splits)";
      case "weight" -> "number of splits";
      case "total_gain" -> "total gain over all splits";
      case "total_cover" -> "total cover over all splits";
      default -> type;
    };
  }

  /** Mean |SHAP| per feature, largest first, at most {@link #MAX_BARS}. */
  public byte[] shapSummary(Map<String, Double> meanAbsShap) {
    return png(List.of(barChart("Mean |SHAP value| per feature on the validation channel",
        "mean |SHAP value|, in the units of the model's margin (before the link function)", meanAbsShap)),
        WIDTH, List.of(barHeight(meanAbsShap.size())));
  }

  private static int barHeight(int features) {
    return 110 + 24 * Math.max(2, Math.min(MAX_BARS, features));
  }

  private static JFreeChart barChart(String title, String valueLabel, Map<String, Double> scores) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    scores.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
        .limit(MAX_BARS)
        .forEach(e -> data.addValue(e.getValue(), valueLabel, e.getKey()));
    CategoryAxis features = new CategoryAxis(null);
    NumberAxis values = new NumberAxis(valueLabel);
    if (valueLabel.startsWith("number of")) {
      values.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // counts: no 2.5 splits
    }
    BarRenderer renderer = new BarRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setSeriesPaint(0, BAR);
    renderer.setMaximumBarWidth(0.08);
    CategoryPlot plot = new CategoryPlot(data, features, values, renderer);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
    plot.setBackgroundPaint(BACKGROUND);
    plot.setRangeGridlinePaint(GRID);
    plot.setOutlineVisible(false);
    plot.setNoDataMessage("no feature was used in a split");
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, false);
    chart.setBackgroundPaint(BACKGROUND);
    return chart;
  }

  static void styleXy(XYPlot plot) {
    plot.setBackgroundPaint(BACKGROUND);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setOutlineVisible(false);
  }

  /** Draws the charts one under the other into one PNG. */
  static byte[] png(List<JFreeChart> charts, int width, List<Integer> heights) {
    int total = heights.stream().mapToInt(Integer::intValue).sum();
    BufferedImage image = new BufferedImage(width, Math.max(1, total), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(BACKGROUND);
      g.fillRect(0, 0, width, total);
      int y = 0;
      for (int i = 0; i < charts.size(); i++) {
        charts.get(i).draw(g, new Rectangle2D.Double(0, y, width, heights.get(i)));
        y += heights.get(i);
      }
    } finally {
      g.dispose();
    }
    return png(image);
  }

  /** The image as PNG bytes (see {@link PngEncoder} for why not ImageIO's writer). */
  static byte[] png(BufferedImage image) {
    return PngEncoder.encode(image);
  }
}
