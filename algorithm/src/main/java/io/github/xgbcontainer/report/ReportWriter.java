package io.github.xgbcontainer.report;

import io.github.xgbcontainer.output.AtomicFiles;
import io.github.xgbcontainer.output.ModelEvaluation;
import java.awt.AWTError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Writes the charts and {@code report.html} into a folder ({@code output/data/}, which SageMaker
 * uploads as {@code output.tar.gz}). The report embeds the charts as data URIs, so the one file
 * opens anywhere, also outside the archive.
 */
public final class ReportWriter {

  /** File names under the output folder. */
  public static final String LEARNING_CURVE = "learning_curve.png";
  public static final String FEATURE_IMPORTANCE = "feature_importance.png";
  public static final String SHAP_SUMMARY = "shap_summary.png";
  public static final String REPORT = "report.html";

  /** The importance types the chart shows, in this order. */
  static final List<String> CHARTED_IMPORTANCE = List.of("gain", "cover", "weight");

  private static final Logger LOG = Logger.getLogger(ReportWriter.class.getName());

  private final Path folder;
  private final ChartRenderer charts = new ChartRenderer();

  /** @param folder where the files go; it must exist */
  public ReportWriter(Path folder) {
    this.folder = folder;
  }

  /**
   * Starts drawing the learning curve on a background thread, so that it overlaps with what the
   * caller does next (writing the model, computing importance, drawing the other charts): the first
   * chart of a job also pays for starting Java2D and loading fonts, about 0.3 s.
   *
   * @param evaluation {@code channel-metric} to its score per round
   * @param bestIteration the zero-based round early stopping kept, if any
   */
  public static LearningCurve startLearningCurve(Map<String, List<Double>> evaluation, OptionalInt bestIteration) {
    Map<String, List<Double>> series = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evaluation));
    FutureTask<byte[]> task = new FutureTask<>(() -> new ChartRenderer().learningCurve(series, bestIteration));
    Thread thread = new Thread(task, "report-learning-curve");
    thread.setDaemon(true);
    thread.start();
    return new LearningCurve(task, series, bestIteration);
  }

  /** A learning curve being drawn; see {@link #startLearningCurve}. */
  public static final class LearningCurve {

    private final FutureTask<byte[]> png;
    private final Map<String, List<Double>> series;
    private final OptionalInt bestIteration;

    private LearningCurve(FutureTask<byte[]> png, Map<String, List<Double>> series, OptionalInt bestIteration) {
      this.png = png;
      this.series = series;
      this.bestIteration = bestIteration;
    }

    /** The evaluation it draws, {@code channel-metric} to its score per round, as it was started with. */
    public Map<String, List<Double>> series() {
      return series;
    }

    /** The best iteration it marks, as it was started with. */
    public OptionalInt bestIteration() {
      return bestIteration;
    }

    /** The PNG bytes, once drawn; rethrows what drawing threw. */
    byte[] png() {
      return await(png, "the learning curve was drawn");
    }
  }

  /**
   * Starts measuring the model and drawing its evaluation charts on a background thread, so that
   * both overlap with writing the model, its importance and SHAP: sorting a million rows by score
   * and drawing the charts took about 0.5 s, which the job then spent with one core idle.
   *
   * @param measure the model's evaluation (empty: the report has none); it runs on that thread
   */
  public static Evaluation startEvaluation(Supplier<Optional<ModelEvaluation>> measure) {
    CompletableFuture<Optional<ModelEvaluation>> measured = new CompletableFuture<>();
    FutureTask<Map<String, byte[]>> charts = new FutureTask<>(() -> {
      Optional<ModelEvaluation> evaluation;
      try {
        evaluation = measure.get();
      } catch (RuntimeException | Error e) {
        measured.completeExceptionally(e);
        throw e;
      }
      measured.complete(evaluation);
      return evaluation.map(EvaluationCharts::draw).orElse(Map.of());
    });
    Thread thread = new Thread(charts, "report-evaluation");
    thread.setDaemon(true);
    thread.start();
    return new Evaluation(measured, charts);
  }

  /** A model evaluation being measured and drawn; see {@link #startEvaluation}. */
  public static final class Evaluation {

    private final Future<Optional<ModelEvaluation>> measured;
    private final Future<Map<String, byte[]>> charts;

    private Evaluation(Future<Optional<ModelEvaluation>> measured, Future<Map<String, byte[]>> charts) {
      this.measured = measured;
      this.charts = charts;
    }

    /** The evaluation, once measured; rethrows what measuring threw. */
    public Optional<ModelEvaluation> result() {
      return await(measured, "the model was evaluated");
    }

    /** Its charts' PNG bytes by file name, once drawn; rethrows what measuring or drawing threw. */
    Map<String, byte[]> charts() {
      return await(charts, "the evaluation charts were drawn");
    }
  }

  /** What {@code task} computed on its thread; rethrows what it threw there. */
  private static <T> T await(Future<T> task, String during) {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + during, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Charts and report.html once the model is written: a failure here (such as a machine without
   * fonts, where Java2D throws {@link java.awt.AWTError}) is logged and leaves the job successful.
   *
   * @param folder where the files go; it must exist
   * @param report builds the report; what it throws is logged the same way
   * @return whether the files were written
   */
  public static boolean writeOrWarn(Path folder, Supplier<JobReport> report, LearningCurve learningCurve,
      Evaluation evaluation) {
    try {
      new ReportWriter(folder).write(report.get(), learningCurve, evaluation);
      LOG.info("report written to " + folder.resolve(REPORT));
      return true;
    } catch (RuntimeException | LinkageError | AWTError e) {
      LOG.warning("charts and report.html were not written: " + e);
      return false;
    }
  }

  /** Writes the charts and the report, each atomically. */
  public void write(JobReport report) {
    write(report, startLearningCurve(report.evaluation(), report.bestIteration()),
        startEvaluation(() -> report.details().modelEvaluation()));
  }

  /**
   * Writes the charts and the report, each atomically, with the learning curve and the model
   * evaluation started before.
   *
   * @param learningCurve the learning curve of {@code report}'s evaluation and best iteration
   * @param evaluation the model evaluation in {@code report}'s details
   */
  public void write(JobReport report, LearningCurve learningCurve, Evaluation evaluation) {
    Map<String, Map<String, Double>> charted = new LinkedHashMap<>();
    for (String type : CHARTED_IMPORTANCE) {
      if (report.importance().containsKey(type)) {
        charted.put(type, report.importance().get(type));
      }
    }
    byte[] importance = charts.featureImportance(charted);
    byte[] shap = report.shap().map(charts::shapSummary).orElse(null);
    Map<String, byte[]> evaluated = evaluation.charts();
    byte[] curve = learningCurve.png();
    AtomicFiles.write(folder.resolve(LEARNING_CURVE), curve);
    evaluated.forEach((name, png) -> AtomicFiles.write(folder.resolve(name), png));
    AtomicFiles.write(folder.resolve(FEATURE_IMPORTANCE), importance);
    if (shap != null) {
      AtomicFiles.write(folder.resolve(SHAP_SUMMARY), shap);
    }
    AtomicFiles.write(folder.resolve(REPORT),
        html(report, curve, importance, shap, evaluated).getBytes(StandardCharsets.UTF_8));
  }

  /** The report page; the images are PNG bytes, {@code shap} may be null. */
  static String html(JobReport report, byte[] curve, byte[] importance, byte[] shap) {
    return html(report, curve, importance, shap, Map.of());
  }

  /** The report page; {@code evaluation} holds the model evaluation's charts by file name. */
  static String html(JobReport report, byte[] curve, byte[] importance, byte[] shap, Map<String, byte[]> evaluation) {
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>XGBoost training report</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:2em auto;max-width:960px;color:#222}\n")
        .append("table{border-collapse:collapse;margin:.5em 0 1.5em}\n")
        .append("th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}\n")
        .append("td.num{text-align:right;font-variant-numeric:tabular-nums}\n")
        .append("img{max-width:100%;border:1px solid #eee}\n</style>\n</head>\n<body>\n")
        .append("<h1>XGBoost training report</h1>\n");
    JobReport.Details details = report.details();
    h.append("<table id=\"about\">\n");
    details.jobName().ifPresent(name -> h.append("<tr><th>training job</th><td>").append(escape(name)).append("</td></tr>\n"));
    h.append("<tr><th>objective</th><td>").append(escape(details.parameters().getOrDefault("objective",
        report.hyperparameters().getOrDefault("objective", "reg:squarederror")))).append("</td></tr>\n")
        .append("<tr><th>XGBoost version</th><td>").append(escape(details.xgboostVersion())).append("</td></tr>\n")
        .append("<tr><th>image version</th><td>").append(escape(details.imageVersion())).append("</td></tr>\n")
        .append("</table>\n");

    h.append("<h2 id=\"metrics\">Final metrics</h2>\n");
    int rounds = report.rounds();
    if (rounds == 0) {
      h.append("<p>No evaluation metrics were recorded.</p>\n");
    } else {
      h.append("<p>").append(rounds).append(rounds == 1 ? " round" : " rounds").append(" trained");
      report.bestIteration().ifPresent(best -> h.append("; best iteration ").append(best));
      report.stoppingMetric().ifPresent(m -> h.append(" by ").append(escape(m)));
      h.append(".</p>\n<table>\n<tr><th>metric</th><th>last round (").append(rounds - 1).append(")</th>");
      report.bestIteration().ifPresent(best -> h.append("<th>best iteration (").append(best).append(")</th>"));
      h.append("</tr>\n");
      Map<String, Double> last = report.scoresAt(rounds - 1);
      Map<String, Double> best = report.bestIteration().isPresent()
          ? report.scoresAt(report.bestIteration().getAsInt()) : Map.of();
      for (Map.Entry<String, Double> e : last.entrySet()) {
        h.append("<tr><td>").append(escape(e.getKey())).append("</td><td class=\"num\">")
            .append(number(e.getValue())).append("</td>");
        if (report.bestIteration().isPresent()) {
          h.append("<td class=\"num\">").append(number(best.get(e.getKey()))).append("</td>");
        }
        h.append("</tr>\n");
      }
      h.append("</table>\n");
    }

    h.append("<h2 id=\"learning-curve\">Learning curve</h2>\n");
    image(h, curve, "learning curve");

    details.modelEvaluation().ifPresent(e -> EvaluationSection.append(h, e, evaluation));

    h.append("<h2 id=\"feature-importance\">Feature importance</h2>\n");
    image(h, importance, "feature importance");
    Map<String, Double> gain = report.importance().getOrDefault("gain", Map.of());
    if (!gain.isEmpty()) {
      h.append("<table id=\"importance\">\n<tr><th>feature</th>");
      for (String type : CHARTED_IMPORTANCE) {
        h.append("<th>").append(type).append(": ").append(escape(ChartRenderer.importanceLabel(type))).append("</th>");
      }
      h.append("</tr>\n");
      gain.entrySet().stream()
          .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
          .limit(ChartRenderer.MAX_BARS)
          .forEach(e -> {
            h.append("<tr><td>").append(escape(e.getKey())).append("</td>");
            for (String type : CHARTED_IMPORTANCE) {
              Double v = report.importance().getOrDefault(type, Map.of()).get(e.getKey());
              // weight counts splits: a whole number, printed as one
              h.append("<td class=\"num\">").append(v == null ? "" : type.equals("weight")
                  ? Long.toString(Math.round(v)) : number(v)).append("</td>");
            }
            h.append("</tr>\n");
          });
      h.append("</table>\n");
    }

    if (shap != null) {
      h.append("<h2 id=\"shap\">SHAP on the validation channel</h2>\n");
      image(h, shap, "mean absolute SHAP value per feature");
    }

    h.append("<h2 id=\"data\">Data</h2>\n<table>\n<tr><th>channel</th><th>rows</th><th>features</th></tr>\n");
    for (JobReport.ChannelShape c : report.channels()) {
      h.append("<tr><td>").append(escape(c.channel())).append("</td><td class=\"num\">").append(c.rows())
          .append("</td><td class=\"num\">").append(c.features()).append("</td></tr>\n");
    }
    h.append("</table>\n");
    if (!details.featureNames().isEmpty()) {
      h.append("<p id=\"feature-names\">Feature columns, in order: ");
      for (int i = 0; i < details.featureNames().size(); i++) {
        h.append(i == 0 ? "" : ", ").append("<code>").append(escape(details.featureNames().get(i))).append("</code>");
      }
      h.append(".</p>\n");
    }

    h.append("<h2 id=\"timings\">Timings</h2>\n<table>\n<tr><th>phase</th><th>seconds</th></tr>\n");
    report.timings().forEach((phase, seconds) -> h.append("<tr><td>").append(escape(phase))
        .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%.2f", seconds)).append("</td></tr>\n"));
    h.append("</table>\n");

    h.append("<h2 id=\"hyperparameters\">Hyperparameters</h2>\n<table>\n<tr><th>name</th><th>value</th></tr>\n");
    report.hyperparameters().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> h.append("<tr><td>").append(escape(e.getKey())).append("</td><td>")
            .append(escape(e.getValue())).append("</td></tr>\n"));
    h.append("</table>\n");

    if (!details.parameters().isEmpty()) {
      h.append("<h2 id=\"effective-parameters\">Effective parameters</h2>\n<p>Every parameter XGBoost trained with, "
          + "as read from ").append(escape(details.parametersSource())).append("; those not given as hyperparameters are "
          + "XGBoost's defaults or its own estimates (such as <code>base_score</code>).</p>\n<table>\n"
          + "<tr><th>parameter</th><th>value</th><th>set by</th></tr>\n");
      details.parameters().forEach((name, value) -> {
        String leaf = name.substring(name.lastIndexOf('.') + 1);
        h.append("<tr><td>").append(escape(name)).append("</td><td>").append(escape(value)).append("</td><td>")
            .append(report.hyperparameters().containsKey(leaf) ? "hyperparameter" : "XGBoost").append("</td></tr>\n");
      });
      h.append("</table>\n");
    }
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  static void image(StringBuilder h, byte[] png, String alt) {
    h.append("<p><img alt=\"").append(escape(alt)).append("\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png)).append("\"></p>\n");
  }

  static String number(Double value) {
    if (value == null || value.isNaN()) {
      return "";
    }
    return String.format(Locale.ROOT, "%.5g", value);
  }

  /** Escapes text for HTML element content and attribute values. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
