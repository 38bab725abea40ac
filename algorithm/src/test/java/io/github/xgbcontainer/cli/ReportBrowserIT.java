package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reports of real small training jobs ({@code train} in a child JVM), opened in Debian's headless
 * Chromium: every image decodes, nothing fails to load, no script error. A screenshot of each is kept
 * in {@code target/report-screenshots/} for review (the README's pictures are copied from there).
 */
class ReportBrowserIT {

  static final Path SCREENSHOTS = Path.of("target/report-screenshots");
  private static final Path ABALONE = Path.of("../sample-data/abalone/csv");

  private static Browser browser;

  @TempDir Path dir;

  @BeforeAll
  static void chromium() {
    browser = Browser.find().orElse(null);
    Assumptions.assumeTrue(browser != null, "chromium is not installed (Debian: apt-get install chromium), so the "
        + "report is not opened in a browser; .ci/run installs it");
  }

  /** Opens the report, checks it loaded whole and keeps a screenshot named {@code name}. */
  private static String open(Path report, String name) throws Exception {
    String html = Files.readString(report);
    // self-contained: nothing is fetched from elsewhere, not even a file beside it
    assertFalse(html.contains("<script"), "the page has no script of its own");
    assertFalse(html.matches("(?s).*(src|href)=\"(?!data:)[^\"]*\".*"), "every image is a data URI");
    Browser.Load load = browser.load(report);
    int images = html.split("<img ", -1).length - 1;
    assertEquals(images, load.images(), "images in the page, as Chromium counts them");
    assertEquals(0, load.brokenImages(), "images that did not decode");
    assertEquals("", load.errors(), "error events while loading");
    browser.screenshot(report, SCREENSHOTS.resolve(name + ".png"), 1000, 6000, 1);
    browser.screenshot(report, SCREENSHOTS.resolve(name + "-top.png"), 1000, 2300, 0.5);
    return html;
  }

  @Test
  void binaryClassification() throws Exception {
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"60\", \"objective\": \"binary:logistic\", \"max_depth\": \"4\","
            + " \"eval_metric\": \"auc,logloss\", \"early_stopping_rounds\": \"8\", \"shap\": \"true\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/libsvm\"}, \"validation\": {\"ContentType\": \"text/libsvm\"}}")
        .channel("train", TrainJob.ANCHOR.resolve("abalone-binary/data/train"))
        .channel("validation", TrainJob.ANCHOR.resolve("abalone-binary/data/validation"));
    job.environment.put("TRAINING_JOB_NAME", "abalone-binary-1");
    job.run();
    assertEquals(0, job.exitCode, job::toString);
    Path data = job.root.resolve("output/data");
    for (String png : new String[] {"confusion_matrix.png", "roc_curve.png", "precision_recall_curve.png",
        "calibration_curve.png"}) {
      assertTrue(Files.size(data.resolve(png)) > 5_000, png);
    }
    String html = open(data.resolve("report.html"), "binary-classification");
    assertTrue(html.contains("<tr><th>training job</th><td>abalone-binary-1</td></tr>"), html);
    assertTrue(html.contains("<p id=\"decision-rule\">Decision threshold: class 1 when its predicted probability is at"
        + " least 0.5."), html);
    // the validation channel's 626 rows, split by actual class in the confusion matrix
    assertTrue(html.matches("(?s).*<td class=\"num\">580</td></tr>\n<tr><th>1</th>.*<td class=\"num\">46</td></tr>.*"),
        html);
    // as trained, not the model file's view: max_depth 4 (given) after early stopping cut the model
    assertTrue(html.contains("<tr><td>max_depth</td><td>4</td><td>hyperparameter</td></tr>"), html);
    assertTrue(html.matches("(?s).*<tr><td>base_score</td><td>\\[[0-9.E-]+\\]</td><td>XGBoost</td></tr>.*"), html);
  }

  @Test
  void regression() throws Exception {
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"40\", \"objective\": \"reg:squarederror\", \"max_depth\": \"4\","
            + " \"eval_metric\": \"rmse,mae\", \"early_stopping_rounds\": \"5\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/csv\"}, \"validation\": {\"ContentType\": \"text/csv\"}}")
        .channel("train", ABALONE.resolve("train"))
        .channel("validation", ABALONE.resolve("validation"))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    String html = open(job.root.resolve("output/data/report.html"), "regression");
    assertTrue(html.contains("<h3>Predicted against actual</h3>"));
    assertTrue(html.contains("<h3>Residual histogram</h3>"));
  }

  @Test
  void multiClass() throws Exception {
    Random random = new Random(3);
    StringBuilder train = new StringBuilder();
    StringBuilder validation = new StringBuilder();
    for (int i = 0; i < 1500; i++) {
      double a = random.nextDouble();
      double b = random.nextDouble();
      int label = (int) Math.min(2, Math.floor(3 * (0.7 * a + 0.3 * b) + 0.4 * random.nextGaussian()));
      (i < 1200 ? train : validation).append(Math.max(0, label)).append(String.format(Locale.ROOT, ",%.4f,%.4f,%.4f\n",
          a, b, random.nextDouble()));
    }
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"30\", \"objective\": \"multi:softprob\", \"num_class\": \"3\","
            + " \"max_depth\": \"3\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/csv\"}, \"validation\": {\"ContentType\": \"text/csv\"}}")
        .channelText("train", "train.csv", train.toString())
        .channelText("validation", "validation.csv", validation.toString())
        .run();
    assertEquals(0, job.exitCode, job::toString);
    String html = open(job.root.resolve("output/data/report.html"), "multi-class");
    assertTrue(html.contains("<p id=\"decision-rule\">Decision rule: the class with the highest predicted probability."));
    assertTrue(html.contains("<tr><td>class 2 against the rest</td>"), html);
  }

  @Test
  void ranking() throws Exception {
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"20\", \"objective\": \"rank:ndcg\", \"eval_metric\": \"ndcg@5\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/libsvm\"}, \"validation\": {\"ContentType\": \"text/libsvm\"}}")
        .channelText("train", "train.libsvm", queries(80, 1))
        .channelText("validation", "validation.libsvm", queries(30, 2))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    String html = open(job.root.resolve("output/data/report.html"), "ranking");
    assertTrue(html.matches("(?s).*<p>NDCG@5 per query, with gain 2<sup>relevance</sup> - 1 as XGBoost computes it: "
        + "[0-9]+ of 30 queries have a relevant document.*"), html);
  }

  @Test
  void crossValidation() throws Exception {
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"15\", \"objective\": \"reg:squarederror\", \"_kfold\": \"3\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/csv\"}}")
        .channel("train", ABALONE.resolve("validation"))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    Path report = job.root.resolve("output/data/cross_validation_report.html");
    String html = open(report, "cross-validation");
    assertTrue(html.contains("<tr><td>3</td>"), "one row per fold");
    assertTrue(html.contains("<h2 id=\"model-evaluation\">Out-of-fold evaluation</h2>"));
    assertTrue(job.stderr.contains("cross-validation report written to " + report), job.stderr);
  }

  /** LibSVM rows with query ids: ten documents per query, relevance 0..4 from the first features. */
  private static String queries(int queries, long seed) {
    Random random = new Random(seed);
    StringBuilder out = new StringBuilder();
    for (int q = 0; q < queries; q++) {
      for (int d = 0; d < 10; d++) {
        double[] f = {random.nextDouble(), random.nextDouble(), random.nextDouble()};
        int relevance = (int) Math.max(0, Math.min(4, Math.floor(3 * f[0] + 2 * f[1] - f[2] + 0.3 * random.nextGaussian())));
        out.append(relevance).append(" qid:").append(q);
        for (int i = 0; i < f.length; i++) {
          out.append(' ').append(i).append(':').append(String.format(Locale.ROOT, "%.4f", f[i]));
        }
        out.append('\n');
      }
    }
    return out.toString();
  }
}
