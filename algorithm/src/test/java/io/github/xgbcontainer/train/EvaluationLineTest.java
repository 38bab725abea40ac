package io.github.xgbcontainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EvaluationLineTest {

  @Test
  void format_matchesSageMakerMetricRegex() {
    EvaluationLine line = EvaluationLine.parse(7, "[7]\ttrain-rmse:0.40384609892334739\tvalidation-rmse:1.5");
    assertEquals("[7]\ttrain-rmse:0.40385\tvalidation-rmse:1.50000", line.format());
    // the official image's metric definition, with the tab as CloudWatch shows it (#011)
    Matcher m = Pattern.compile(".*\\[[0-9]+\\].*#011validation-rmse:(\\S+)")
        .matcher(line.format().replace("\t", "#011"));
    assertTrue(m.matches());
    assertEquals("1.50000", m.group(1));
  }

  @Test
  void parse_keepsMetricsWithAtForms() {
    EvaluationLine line = EvaluationLine.parse(0, "[0]\ttrain-ndcg@5:0.9\ttrain-error@0.7:0.25");
    assertEquals(Map.of("train-ndcg@5", 0.9, "train-error@0.7", 0.25), line.scores());
  }

  @Test
  void earlyStopping_minimizesAndMaximizes() {
    EarlyStopping min = new EarlyStopping("validation-rmse", false, 2);
    assertFalse(min.record(new EvaluationLine(0, Map.of("validation-rmse", 3.0))));
    assertFalse(min.record(new EvaluationLine(1, Map.of("validation-rmse", 2.0))));
    assertFalse(min.record(new EvaluationLine(2, Map.of("validation-rmse", 2.0))));
    assertTrue(min.record(new EvaluationLine(3, Map.of("validation-rmse", 2.5))));
    assertEquals(1, min.bestRound());
    assertEquals(2.0, min.bestScore());

    EarlyStopping max = new EarlyStopping("validation-auc", true, 1);
    assertFalse(max.record(new EvaluationLine(0, Map.of("validation-auc", 0.7))));
    assertFalse(max.record(new EvaluationLine(1, Map.of("validation-auc", 0.8))));
    assertTrue(max.record(new EvaluationLine(2, Map.of("validation-auc", 0.75))));
    assertEquals(1, max.bestRound());
  }
}
