package io.github.xgbcontainer.report;

import io.github.xgbcontainer.output.ModelEvaluation;
import java.util.Locale;
import java.util.Map;

/** The report's "Model evaluation" section: numbers as tables, then the charts. */
final class EvaluationSection {

  private EvaluationSection() {}

  static void append(StringBuilder h, ModelEvaluation evaluation, Map<String, byte[]> charts) {
    if (EvaluationCharts.OUT_OF_FOLD.equals(evaluation.channel())) {
      h.append("<h2 id=\"model-evaluation\">Out-of-fold evaluation</h2>\n<p>Every row predicted by the fold model "
          + "that did not train on it (the first repeat), ").append(evaluation.rows()).append(" rows.</p>\n");
    } else {
      h.append("<h2 id=\"model-evaluation\">Model evaluation</h2>\n<p>The final model's predictions on the ")
          .append(ReportWriter.escape(evaluation.channel())).append(" channel (").append(evaluation.rows())
          .append(" rows).</p>\n");
    }
    if (evaluation instanceof ModelEvaluation.Classification c) {
      classification(h, c);
    } else if (evaluation instanceof ModelEvaluation.Regression r) {
      h.append(String.format(Locale.ROOT, "<table id=\"regression-errors\">\n<tr><th>RMSE</th><td class=\"num\">%.6g</td></tr>\n"
          + "<tr><th>MAE</th><td class=\"num\">%.6g</td></tr>\n</table>\n", r.rmse(), r.mae()));
    } else if (evaluation instanceof ModelEvaluation.Ranking k) {
      String ndcg = k.at().isPresent() ? "NDCG@" + k.at().getAsInt() : "NDCG";
      h.append("<p>").append(ndcg).append(" per query, with gain 2<sup>relevance</sup> - 1 as XGBoost computes it: ")
          .append(k.ndcg().length).append(" of ").append(k.queries()).append(" queries have a relevant document")
          .append(k.ndcg().length == 0 ? "" : String.format(Locale.ROOT, "; their mean is %.4f", k.mean()))
          .append(k.ndcg().length < k.queries() ? " (XGBoost scores the others as 1)" : "").append(".</p>\n");
    }
    charts.forEach((name, png) -> {
      h.append("<h3>").append(ReportWriter.escape(caption(name))).append("</h3>\n");
      ReportWriter.image(h, png, caption(name));
    });
  }

  private static void classification(StringBuilder h, ModelEvaluation.Classification c) {
    h.append("<p id=\"decision-rule\">");
    if (c.binary()) {
      h.append("Decision threshold: class 1 when its predicted probability is at least ")
          .append(String.format(Locale.ROOT, "%s", c.threshold())).append('.');
    } else {
      h.append("Decision rule: the class with the highest predicted probability.");
    }
    h.append(String.format(Locale.ROOT, " Accuracy %.4f.</p>\n", c.accuracy()));
    h.append("<table id=\"confusion-matrix\">\n<tr><th>actual \\ predicted</th>");
    for (String cls : c.classes()) {
      h.append("<th>").append(ReportWriter.escape(cls)).append("</th>");
    }
    h.append("<th>rows</th></tr>\n");
    for (int i = 0; i < c.classes().size(); i++) {
      long total = 0;
      for (long v : c.confusion()[i]) {
        total += v;
      }
      h.append("<tr><th>").append(ReportWriter.escape(c.classes().get(i))).append("</th>");
      for (long v : c.confusion()[i]) {
        h.append("<td class=\"num\">").append(v).append(total == 0 ? "" : String.format(Locale.ROOT, " (%.1f%%)",
            100.0 * v / total)).append("</td>");
      }
      h.append("<td class=\"num\">").append(total).append("</td></tr>\n");
    }
    h.append("</table>\n<table id=\"areas\">\n<tr><th>curve</th><th>ROC AUC</th><th>average precision</th></tr>\n");
    for (int i = 0; i < c.roc().size(); i++) {
      h.append("<tr><td>").append(ReportWriter.escape(c.roc().get(i).name()))
          .append(c.binary() ? "" : " against the rest").append("</td><td class=\"num\">")
          .append(area(c.roc().get(i).area())).append("</td><td class=\"num\">")
          .append(area(c.precisionRecall().get(i).area())).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static String area(double v) {
    return Double.isNaN(v) ? "undefined (one class only)" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String caption(String file) {
    return switch (file) {
      case EvaluationCharts.CONFUSION_MATRIX -> "Confusion matrix";
      case EvaluationCharts.ROC -> "ROC curve";
      case EvaluationCharts.PRECISION_RECALL -> "Precision-recall curve";
      case EvaluationCharts.CALIBRATION -> "Calibration curve";
      case EvaluationCharts.PREDICTED_VS_ACTUAL -> "Predicted against actual";
      case EvaluationCharts.RESIDUALS -> "Residuals against predicted";
      case EvaluationCharts.RESIDUAL_HISTOGRAM -> "Residual histogram";
      case EvaluationCharts.NDCG_PER_QUERY -> "NDCG per query";
      default -> file;
    };
  }
}
