package io.github.xgbcontainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ChartRendererTest {

  private static final int BLUE = 0x1F77B4;
  private static final int ORANGE = 0xFF7F0E;
  private static final int RED = 0xD62728;

  private final ChartRenderer charts = new ChartRenderer();

  /** Decodes the bytes as PNG: they must be one. */
  static BufferedImage decode(byte[] png) throws IOException {
    assertEquals(0x89, png[0] & 0xFF);
    assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertTrue(image != null, "ImageIO cannot read the PNG");
    return image;
  }

  /** Pixels of exactly this colour. */
  static long count(BufferedImage image, int rgb) {
    long n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
          n++;
        }
      }
    }
    return n;
  }

  /** Share of pixels that are not the white background. */
  static double inked(BufferedImage image) {
    long white = count(image, 0xFFFFFF);
    return 1.0 - (double) white / ((long) image.getWidth() * image.getHeight());
  }

  private static List<Double> falling(double from, int rounds) {
    return java.util.stream.IntStream.range(0, rounds).mapToObj(i -> from / (1 + i)).toList();
  }

  @Test
  void learningCurve_drawsOnePanelPerMetricWithBothChannelsAndTheBestIteration() throws IOException {
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put("train-rmse", falling(3, 30));
    series.put("train-mae", falling(2, 30));
    series.put("validation-rmse", falling(3.5, 30));
    series.put("validation-mae", falling(2.5, 30));

    BufferedImage image = decode(charts.learningCurve(series, OptionalInt.of(20)));

    assertEquals(ChartRenderer.WIDTH, image.getWidth());
    assertEquals(120 + 2 * 260, image.getHeight());
    assertTrue(inked(image) > 0.02, "too few drawn pixels: " + inked(image));
    assertTrue(count(image, BLUE) > 200, "train lines");
    assertTrue(count(image, ORANGE) > 200, "validation lines");
    assertTrue(count(image, RED) > 100, "best-iteration marker");
  }

  @Test
  void learningCurve_bestIterationIsDrawnInFrontOfTheLines() {
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put("train-rmse", falling(3, 10));
    series.put("validation-rmse", falling(4, 10));
    org.jfree.chart.plot.CombinedDomainXYPlot plot = (org.jfree.chart.plot.CombinedDomainXYPlot)
        ChartRenderer.learningCurveChart(series, OptionalInt.of(4)).getXYPlot();
    org.jfree.chart.plot.XYPlot panel = plot.getSubplots().get(0);
    java.util.Collection<?> front = panel.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND);
    assertEquals(1, front.size(), "the marker is in the foreground layer");
    assertEquals("best iteration 4", ((org.jfree.chart.plot.ValueMarker) front.iterator().next()).getLabel());
    assertEquals(null, panel.getDomainMarkers(org.jfree.chart.ui.Layer.BACKGROUND));
  }

  @Test
  void importanceAndShapAxesSayWhatTheyMeasure() {
    assertEquals("average gain per split (loss reduction)", ChartRenderer.importanceLabel("gain"));
    assertEquals("number of splits", ChartRenderer.importanceLabel("weight"));
    assertEquals("average cover per split (sum of hessians of the rows it splits)", ChartRenderer.importanceLabel("cover"));
  }

  @Test
  void learningCurve_withoutEarlyStoppingHasNoMarker() throws IOException {
    BufferedImage image = decode(charts.learningCurve(Map.of("train-logloss", falling(0.7, 10)), OptionalInt.empty()));

    assertEquals(120 + 260, image.getHeight());
    assertTrue(count(image, BLUE) > 100, "train line");
    assertEquals(0, count(image, RED));
  }

  @Test
  void featureImportance_drawsOnePanelPerTypeWithBars() throws IOException {
    Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
    scores.put("gain", Map.of("age", 10.0, "height", 5.0, "f2", 1.0));
    scores.put("cover", Map.of("age", 3.0, "height", 8.0, "f2", 2.0));
    scores.put("weight", Map.of("age", 7.0, "height", 7.0, "f2", 1.0));

    BufferedImage image = decode(charts.featureImportance(scores));

    assertEquals(ChartRenderer.WIDTH, image.getWidth());
    assertEquals(3 * (110 + 24 * 3), image.getHeight());
    assertTrue(count(image, BLUE) > 3 * 3 * 500, "bars: " + count(image, BLUE));
  }

  @Test
  void barCharts_showAtMostTwentyFeatures() throws IOException {
    Map<String, Double> many = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      many.put("f" + i, (double) i + 1);
    }
    BufferedImage image = decode(charts.shapSummary(many));

    assertEquals(110 + 24 * ChartRenderer.MAX_BARS, image.getHeight());
    assertTrue(count(image, BLUE) > 20 * 100, "bars");
  }

  @Test
  void featureImportance_withoutSplitsSaysSo() throws IOException {
    BufferedImage image = decode(charts.featureImportance(Map.of("gain", Map.of())));

    assertEquals(110 + 24 * 2, image.getHeight());
    assertEquals(0, count(image, BLUE));
    assertTrue(inked(image) > 0.001, "the title and the no-data message");
  }
}
