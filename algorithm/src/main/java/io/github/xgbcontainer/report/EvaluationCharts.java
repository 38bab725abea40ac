package io.github.xgbcontainer.report;

import io.github.xgbcontainer.output.ModelEvaluation;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The charts of a {@link ModelEvaluation}, as PNG bytes keyed by file name: a classifier's confusion
 * matrix, ROC, precision-recall and calibration; a regressor's predicted against actual, residuals
 * and residual histogram; a ranker's NDCG per query.
 */
public final class EvaluationCharts {

  static final String CONFUSION_MATRIX = "confusion_matrix.png";
  static final String ROC = "roc_curve.png";
  static final String PRECISION_RECALL = "precision_recall_curve.png";
  static final String CALIBRATION = "calibration_curve.png";
  static final String PREDICTED_VS_ACTUAL = "predicted_vs_actual.png";
  static final String RESIDUALS = "residuals_vs_predicted.png";
  static final String RESIDUAL_HISTOGRAM = "residual_histogram.png";
  static final String NDCG_PER_QUERY = "ndcg_per_query.png";

  /** The channel name of cross-validation's out-of-fold predictions. */
  public static final String OUT_OF_FOLD = "out-of-fold";

  /** Height of every evaluation chart; they are drawn {@link ChartRenderer#WIDTH} wide. */
  static final int HEIGHT = 520;

  private static final Color[] COLOURS = {
    new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0xD62728), new Color(0x9467BD),
    new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F), new Color(0xBCBD22), new Color(0x17BECF)
  };
  private static final Color REFERENCE = new Color(0x888888);
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);

  private EvaluationCharts() {}

  /** Every chart of the evaluation, in the order the report shows them. */
  static Map<String, byte[]> draw(ModelEvaluation evaluation) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    if (evaluation instanceof ModelEvaluation.Classification c) {
      out.put(CONFUSION_MATRIX, confusionMatrix(c));
      out.put(ROC, curves("ROC curve " + on(c.channel()) + (c.binary() ? "" : " (each class against the rest)"),
          "false positive rate", "true positive rate", c.roc(), "AUC", true));
      out.put(PRECISION_RECALL, curves("Precision-recall curve " + on(c.channel())
          + (c.binary() ? "" : " (each class against the rest)"), "recall", "precision", c.precisionRecall(),
          "average precision", false));
      out.put(CALIBRATION, calibration(c));
    } else if (evaluation instanceof ModelEvaluation.Regression r) {
      out.put(PREDICTED_VS_ACTUAL, scatter("Predicted against actual " + on(r.channel()), "actual label",
          "predicted value", r.actual(), r.predicted(), true, r));
      float[] residual = new float[r.actual().length];
      for (int i = 0; i < residual.length; i++) {
        residual[i] = r.actual()[i] - r.predicted()[i];
      }
      out.put(RESIDUALS, scatter("Residuals against predicted " + on(r.channel()), "predicted value",
          "residual (actual - predicted)", r.predicted(), residual, false, r));
      out.put(RESIDUAL_HISTOGRAM, histogram("Residual histogram " + on(r.channel()) + " (" + r.rows() + " rows)",
          "residual (actual - predicted)", "rows", r.residualEdges(), r.residualCounts()));
    } else if (evaluation instanceof ModelEvaluation.Ranking k) {
      String ndcg = k.at().isPresent() ? "NDCG@" + k.at().getAsInt() : "NDCG";
      ModelEvaluation.Histogram h = k.histogram();
      out.put(NDCG_PER_QUERY, histogram(ndcg + " per query " + on(k.channel()) + " (" + k.ndcg().length
          + " queries with a relevant document; mean " + String.format(Locale.ROOT, "%.4f", k.mean()) + ")",
          ndcg + " of the query", "queries", h.edges(), h.counts()));
    }
    return out;
  }

  /**
   * Cells coloured by the share of the actual class (the row) they hold, each with its count and that
   * share; drawn with Java2D, as a grid of numbers is not a plot.
   */
  static byte[] confusionMatrix(ModelEvaluation.Classification c) {
    int k = c.classes().size();
    int cell = Math.max(36, Math.min(110, 560 / k));
    int left = Math.max(150, (ChartRenderer.WIDTH - k * cell) / 2);
    int top = 110;
    int width = ChartRenderer.WIDTH;
    int height = top + k * cell + 40;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.setFont(TITLE);
      String title = "Confusion matrix " + on(c.channel()) + " (" + c.rows() + " rows)";
      g.drawString(title, (width - g.getFontMetrics().stringWidth(title)) / 2, 28);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      String rule = c.binary() ? String.format(Locale.ROOT, "predicted 1 when P(class 1) >= %s", plain(c.threshold()))
          : "predicted: the most probable class";
      g.drawString(rule + "; colour: share of the actual class's rows", (width - 560) / 2, 50);
      g.drawString("predicted class", left + (k * cell) / 2 - 45, top - 30);
      Graphics2D rotated = (Graphics2D) g.create();
      rotated.rotate(-Math.PI / 2);
      rotated.drawString("actual class", -(top + k * cell / 2 + 35), left - 70);
      rotated.dispose();
      Font number = new Font(Font.SANS_SERIF, Font.BOLD, k > 8 ? 10 : 14);
      Font share = new Font(Font.SANS_SERIF, Font.PLAIN, k > 8 ? 9 : 12);
      for (int i = 0; i < k; i++) {
        long rowTotal = 0;
        for (long v : c.confusion()[i]) {
          rowTotal += v;
        }
        g.setColor(Color.BLACK);
        g.setFont(share);
        g.drawString(c.classes().get(i), left + i * cell + cell / 2 - 4, top - 8);
        g.drawString(c.classes().get(i), left - 22, top + i * cell + cell / 2 + 4);
        for (int j = 0; j < k; j++) {
          long count = c.confusion()[i][j];
          double rate = rowTotal == 0 ? 0 : (double) count / rowTotal;
          int shade = (int) Math.round(255 - rate * 200);
          g.setColor(new Color(shade, shade, 255));
          g.fillRect(left + j * cell, top + i * cell, cell, cell);
          g.setColor(Color.GRAY);
          g.drawRect(left + j * cell, top + i * cell, cell, cell);
          g.setColor(rate > 0.6 ? Color.WHITE : Color.BLACK);
          centred(g, number, Long.toString(count), left + j * cell + cell / 2, top + i * cell + cell / 2 - 2);
          centred(g, share, String.format(Locale.ROOT, "%.1f%%", 100 * rate), left + j * cell + cell / 2,
              top + i * cell + cell / 2 + 14);
        }
      }
    } finally {
      g.dispose();
    }
    return ChartRenderer.png(image);
  }

  /** Where the rows come from, as a title says it: "on the validation channel", "out of fold". */
  static String on(String channel) {
    return OUT_OF_FOLD.equals(channel) ? "out of fold" : "on the " + channel + " channel";
  }

  private static void centred(Graphics2D g, Font font, String text, int x, int y) {
    g.setFont(font);
    FontMetrics m = g.getFontMetrics();
    g.drawString(text, x - m.stringWidth(text) / 2, y);
  }

  private static String plain(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static byte[] curves(String title, String x, String y, List<ModelEvaluation.Curve> curves, String area,
      boolean diagonal) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (ModelEvaluation.Curve c : curves) {
      XYSeries s = new XYSeries(c.name() + " (" + area + " " + (Double.isNaN(c.area()) ? "undefined: one class only"
          : String.format(Locale.ROOT, "%.4f", c.area())) + ")", false, true);
      for (int i = 0; i < c.x().length; i++) {
        s.add(c.x()[i], c.y()[i]);
      }
      data.addSeries(s);
    }
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < curves.size(); i++) {
      renderer.setSeriesPaint(i, COLOURS[i % COLOURS.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    XYPlot plot = new XYPlot(data, unitAxis(x), unitAxis(y), renderer);
    ChartRenderer.styleXy(plot);
    if (diagonal) {
      addReference(plot, "chance", 0, 0, 1, 1);
    }
    return ChartRenderer.png(List.of(chart(title, plot)), ChartRenderer.WIDTH, List.of(HEIGHT));
  }

  private static byte[] calibration(ModelEvaluation.Classification c) {
    XYSeries s = new XYSeries(c.binary() ? "share of positive rows per bin of P(class 1)"
        : "accuracy per bin of the predicted class's probability", false, true);
    c.calibration().forEach(b -> s.add(b.meanPredicted(), b.observed()));
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    renderer.setSeriesPaint(0, COLOURS[0]);
    renderer.setSeriesStroke(0, new BasicStroke(2f));
    XYPlot plot = new XYPlot(new XYSeriesCollection(s), unitAxis(c.binary() ? "mean predicted P(class 1)"
        : "mean probability of the predicted class"), unitAxis(c.binary() ? "observed share of class 1" : "observed accuracy"),
        renderer);
    ChartRenderer.styleXy(plot);
    addReference(plot, "perfectly calibrated", 0, 0, 1, 1);
    return ChartRenderer.png(List.of(chart("Calibration curve " + on(c.channel()) + " (10 bins)", plot)),
        ChartRenderer.WIDTH, List.of(HEIGHT));
  }

  private static byte[] scatter(String title, String x, String y, float[] xs, float[] ys, boolean identity,
      ModelEvaluation.Regression r) {
    XYSeries points = new XYSeries("rows" + (xs.length < r.rows() ? " (" + xs.length + " of " + r.rows() + ", evenly spread)"
        : ""), false, true);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < xs.length; i++) {
      points.add(xs[i], ys[i]);
      lo = Math.min(lo, Math.min(xs[i], identity ? ys[i] : xs[i]));
      hi = Math.max(hi, Math.max(xs[i], identity ? ys[i] : xs[i]));
    }
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
    renderer.setSeriesPaint(0, new Color(0x1F, 0x77, 0xB4, 110));
    renderer.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-2.5, -2.5, 5, 5));
    NumberAxis xAxis = new NumberAxis(x);
    xAxis.setAutoRangeIncludesZero(false);
    NumberAxis yAxis = new NumberAxis(y);
    yAxis.setAutoRangeIncludesZero(false);
    XYPlot plot = new XYPlot(new XYSeriesCollection(points), xAxis, yAxis, renderer);
    ChartRenderer.styleXy(plot);
    if (identity && lo < hi) {
      addReference(plot, "predicted = actual", lo, lo, hi, hi);
    } else if (!identity) {
      ValueMarker zero = new ValueMarker(0, REFERENCE, new BasicStroke(1.5f));
      plot.addRangeMarker(zero);
    }
    String summary = String.format(Locale.ROOT, " (RMSE %.4g, MAE %.4g)", r.rmse(), r.mae());
    return ChartRenderer.png(List.of(chart(title + summary, plot)), ChartRenderer.WIDTH, List.of(HEIGHT));
  }

  private static byte[] histogram(String title, String x, String y, double[] edges, long[] counts) {
    XYIntervalSeries bars = new XYIntervalSeries(y);
    for (int i = 0; i < counts.length; i++) {
      bars.add((edges[i] + edges[i + 1]) / 2, edges[i], edges[i + 1], counts[i], counts[i], counts[i]);
    }
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    data.addSeries(bars);
    XYBarRenderer renderer = new XYBarRenderer(0.05);
    renderer.setBarPainter(new StandardXYBarPainter());
    renderer.setShadowVisible(false);
    renderer.setSeriesPaint(0, COLOURS[0]);
    NumberAxis xAxis = new NumberAxis(x);
    xAxis.setAutoRangeIncludesZero(false);
    NumberAxis yAxis = new NumberAxis(y);
    yAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // counts are whole
    XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
    ChartRenderer.styleXy(plot);
    JFreeChart chart = chart(title, plot);
    chart.removeLegend();
    return ChartRenderer.png(List.of(chart), ChartRenderer.WIDTH, List.of(HEIGHT));
  }

  private static NumberAxis unitAxis(String label) {
    NumberAxis axis = new NumberAxis(label);
    axis.setRange(-0.02, 1.02);
    return axis;
  }

  /** A dashed grey line from (x0, y0) to (x1, y1), as the last series, named in the legend. */
  private static void addReference(XYPlot plot, String name, double x0, double y0, double x1, double y1) {
    XYSeries line = new XYSeries(name, false, true);
    line.add(x0, y0);
    line.add(x1, y1);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    renderer.setSeriesPaint(0, REFERENCE);
    renderer.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
        new float[] {6f, 4f}, 0f));
    plot.setDataset(1, new XYSeriesCollection(line));
    plot.setRenderer(1, renderer);
  }

  private static JFreeChart chart(String title, XYPlot plot) {
    JFreeChart chart = new JFreeChart(title, TITLE, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** Names of the files {@link #draw} makes, for a list in the report. */
  static List<String> names(Map<String, byte[]> charts) {
    return new ArrayList<>(charts.keySet());
  }
}
