package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train} in a child JVM leaves charts, SHAP and report.html in output/data. */
class TrainReportIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SAMPLE = Path.of("../sample-data/abalone/csv");
  private static final String CSV_CHANNELS =
      "{\"train\": {\"ContentType\": \"text/csv\"}, \"validation\": {\"ContentType\": \"text/csv\"}}";

  @TempDir Path dir;

  private static BufferedImage image(Path file) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    assertTrue(image != null, file + " is not an image");
    return image;
  }

  /** Pixels that are neither white nor grey: the plotted lines and bars. */
  private static long coloured(BufferedImage image) {
    long n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void abaloneWithShap_writesChartsShapAndReport() throws Exception {
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"40\", \"objective\": \"reg:squarederror\", \"max_depth\": \"4\","
            + " \"eval_metric\": \"rmse,mae\", \"early_stopping_rounds\": \"5\", \"shap\": \"true\"}")
        .inputDataConfig(CSV_CHANNELS)
        .channel("train", SAMPLE.resolve("train"))
        .channel("validation", SAMPLE.resolve("validation"))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    Path data = job.root.resolve("output/data");

    BufferedImage curve = image(data.resolve("learning_curve.png"));
    assertEquals(900, curve.getWidth());
    assertEquals(120 + 2 * 260, curve.getHeight(), "two metric panels");
    assertTrue(coloured(curve) > 1000, "lines drawn: " + coloured(curve));
    BufferedImage importance = image(data.resolve("feature_importance.png"));
    assertEquals(900, importance.getWidth());
    assertEquals(3 * (110 + 24 * 8), importance.getHeight(), "three panels of eight features");
    assertTrue(coloured(importance) > 3 * 8 * 1000, "bars drawn: " + coloured(importance));
    BufferedImage shap = image(data.resolve("shap_summary.png"));
    assertEquals(110 + 24 * 8, shap.getHeight());
    assertTrue(coloured(shap) > 8 * 1000, "bars drawn: " + coloured(shap));

    JsonNode summary = JSON.readTree(data.resolve("shap_summary.json").toFile());
    assertEquals(626, summary.get("rows").asInt());
    assertEquals(8, summary.get("mean_abs_shap").size());
    summary.get("mean_abs_shap").forEach(v -> assertTrue(v.asDouble() >= 0));

    String html = Files.readString(data.resolve("report.html"));
    JsonNode history = JSON.readTree(data.resolve("evaluation_history.json").toFile());
    assertTrue(html.contains("best iteration " + history.get("best_iteration").asInt() + " by validation-mae"), html);
    assertTrue(html.contains("<tr><td>train</td><td class=\"num\">2922</td><td class=\"num\">8</td></tr>"));
    assertTrue(html.contains("<tr><td>shap</td><td>true</td></tr>"));
    assertEquals(6, html.split("data:image/png;base64,", -1).length - 1,
        "learning curve, importance, SHAP and the three regression charts");
    assertTrue(html.contains("<th>gain: average gain per split (loss reduction)</th>"));
    assertTrue(job.stderr.contains("report written to "), job.stderr);
  }

  @Test
  void withoutShap_noShapFiles() throws Exception {
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"3\", \"objective\": \"reg:squarederror\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/csv\"}}")
        .channel("train", SAMPLE.resolve("train"))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    List<String> files;
    try (var s = Files.list(job.root.resolve("output/data"))) {
      files = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertEquals(List.of("evaluation_history.json", "feature_importance.json", "feature_importance.png",
        "learning_curve.png", "predicted_vs_actual.png", "report.html", "residual_histogram.png",
        "residuals_vs_predicted.png"), files);
    // without a validation channel the model evaluation is on the train channel
    assertTrue(Files.readString(job.root.resolve("output/data/report.html"))
        .contains("<p>The final model's predictions on the train channel (2922 rows).</p>"));
    assertFalse(Files.readString(job.root.resolve("output/data/report.html")).contains("best iteration"));
  }

  @Test
  void shapWithoutValidation_failsBeforeReading() throws Exception {
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"3\", \"shap\": \"true\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/csv\"}}")
        .channel("train", SAMPLE.resolve("train"))
        .run();
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: hyperparameter 'shap' needs a 'validation' channel; perhaps you should add one or "
        + "set shap to false", job.failure().strip());
  }
}
