package io.github.xgbcontainer.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.matrix.Predictions;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Values small enough to count by hand. */
class ModelEvaluationTest {

  private static Predictions rows(float... p) {
    return new Predictions(p.clone(), 1);
  }

  // scores 0.9 0.8 0.7 0.6 0.5 0.4 for labels 1 1 0 1 0 0
  private static final float[] LABELS = {1, 1, 0, 1, 0, 0};
  private static final Predictions SCORES = rows(0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f);

  @Test
  void binary_aucIsTheShareOfPositiveNegativePairsInOrder() {
    ModelEvaluation.Classification c = ModelEvaluation.Classification.of("validation", LABELS, SCORES, 0.5);
    // positives 0.9, 0.8, 0.6 against negatives 0.7, 0.5, 0.4: 3 + 3 + 2 of 9 pairs in order
    assertEquals(8.0 / 9, c.roc().get(0).area(), 1e-12);
    assertArrayEquals(new double[] {0, 0, 0, 1.0 / 3, 1.0 / 3, 2.0 / 3, 1}, c.roc().get(0).x(), 1e-12);
    assertArrayEquals(new double[] {0, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1, 1, 1}, c.roc().get(0).y(), 1e-12);
  }

  @Test
  void binary_averagePrecisionSumsPrecisionAtEachRecallStep() {
    ModelEvaluation.Classification c = ModelEvaluation.Classification.of("validation", LABELS, SCORES, 0.5);
    // recall steps of 1/3 at precisions 1, 1 and 3/4
    assertEquals(11.0 / 12, c.precisionRecall().get(0).area(), 1e-12);
  }

  @Test
  void binary_confusionCountsAtTheThreshold() {
    ModelEvaluation.Classification c = ModelEvaluation.Classification.of("validation", LABELS, SCORES, 0.5);
    // 0.5 itself counts as class 1: negatives 0.7 and 0.5 are false positives, 0.4 the only negative call
    assertArrayEquals(new long[] {1, 2}, c.confusion()[0]);
    assertArrayEquals(new long[] {0, 3}, c.confusion()[1]);
    assertEquals(4.0 / 6, c.accuracy(), 1e-12);
    assertEquals(0.5, c.threshold());
    assertTrue(c.binary());

    ModelEvaluation.Classification strict = ModelEvaluation.Classification.of("validation", LABELS, SCORES, 0.75);
    assertArrayEquals(new long[] {3, 0}, strict.confusion()[0]);
    assertArrayEquals(new long[] {1, 2}, strict.confusion()[1]);
  }

  @Test
  void tiedScores_areOneThreshold() {
    ModelEvaluation.Classification c = ModelEvaluation.Classification.of("train", new float[] {1, 0},
        rows(0.5f, 0.5f), 0.5);
    assertEquals(0.5, c.roc().get(0).area(), 1e-12);
    assertEquals(2, c.roc().get(0).x().length, "the origin and one point for the tie");
  }

  @Test
  void oneClassOnly_hasNoAuc() {
    ModelEvaluation.Classification c = ModelEvaluation.Classification.of("train", new float[] {1, 1},
        rows(0.2f, 0.7f), 0.5);
    assertTrue(Double.isNaN(c.roc().get(0).area()));
  }

  @Test
  void calibration_binsByPredictedProbability() {
    List<ModelEvaluation.CalibrationBin> bins = ModelEvaluation.calibrationBins(new float[] {0.05f, 0.15f, 0.15f, 0.95f},
        new boolean[] {false, true, false, true});
    assertEquals(3, bins.size());
    assertEquals(0.05, bins.get(0).meanPredicted(), 1e-6);
    assertEquals(0.0, bins.get(0).observed());
    assertEquals(0.5, bins.get(1).observed());
    assertEquals(2, bins.get(1).rows());
    assertEquals(1.0, bins.get(2).observed());
  }

  @Test
  void multiClass_predictsTheMostProbableClassAndScoresEachAgainstTheRest() {
    float[] labels = {0, 1, 2, 2};
    Predictions p = Predictions.flatten(new float[][] {{0.7f, 0.2f, 0.1f}, {0.1f, 0.6f, 0.3f}, {0.2f, 0.5f, 0.3f},
        {0.1f, 0.1f, 0.8f}});
    ModelEvaluation.Classification c = ModelEvaluation.Classification.of("validation", labels, p, 0.5);
    assertEquals(List.of("0", "1", "2"), c.classes());
    assertArrayEquals(new long[] {1, 0, 0}, c.confusion()[0]);
    assertArrayEquals(new long[] {0, 1, 0}, c.confusion()[1]);
    assertArrayEquals(new long[] {0, 1, 1}, c.confusion()[2]);
    assertTrue(Double.isNaN(c.threshold()));
    assertEquals(3, c.roc().size());
    // class 0 has the highest P(0) of all rows: perfect; class 1 against the rest: 0.6 beats 0.5, 0.2, 0.1
    assertEquals(1.0, c.roc().get(0).area(), 1e-12);
    assertEquals(1.0, c.roc().get(1).area(), 1e-12);
    // class 2: positives 0.8, 0.3 against negatives 0.1, 0.3 -> 2 + 0.5 (tie) of 4
    assertEquals(0.875, c.roc().get(2).area(), 1e-12);
  }

  @Test
  void multiClass_rejectsALabelOutsideTheClasses() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelEvaluation.Classification.of("train", new float[] {3}, new Predictions(new float[] {0.5f, 0.5f}, 2), 0.5));
    assertEquals("row 0: label 3.0 is not a class in [0, 2)", e.getMessage());
  }

  @Test
  void ndcg_withExponentialGain() {
    float[] labels = {3, 2, 0};
    float[] scores = {0.1f, 0.9f, 0.5f};
    // ranked 2, 0, 3: DCG = 3 + 0 + 7/2; ideal 3, 2, 0: 7 + 3/log2(3)
    double expected = 6.5 / (7 + 3 / (Math.log(3) / Math.log(2)));
    assertEquals(expected, ModelEvaluation.Ranking.ndcg(labels, scores, 0, 3, Integer.MAX_VALUE), 1e-12);
    assertEquals(3.0 / 7, ModelEvaluation.Ranking.ndcg(labels, scores, 0, 3, 1), 1e-12);
  }

  @Test
  void ranking_onePerQueryWithARelevantDocument() {
    float[] labels = {1, 0, 0, 0, 2, 0};
    Predictions scores = rows(0.9f, 0.1f, 0.3f, 0.2f, 0.1f, 0.8f);
    ModelEvaluation e = ModelEvaluation.of("rank:ndcg", "validation", labels, scores, new int[] {0, 2, 4, 6},
        OptionalInt.of(5)).orElseThrow();
    ModelEvaluation.Ranking r = assertInstanceOf(ModelEvaluation.Ranking.class, e);
    assertEquals(3, r.queries());
    assertEquals(2, r.ndcg().length, "the second query has no relevant document");
    assertEquals(1.0, r.ndcg()[0], 1e-12);
    assertEquals(1 / (Math.log(3) / Math.log(2)), r.ndcg()[1], 1e-12);
    assertEquals(OptionalInt.of(5), r.at());
    assertEquals(2, java.util.Arrays.stream(r.histogram().counts()).sum());
  }

  @Test
  void regression_errorsAndResidualHistogram() {
    float[] labels = {1, 2, 3, 4};
    Predictions predicted = rows(1, 3, 3, 2);
    ModelEvaluation.Regression r = assertInstanceOf(ModelEvaluation.Regression.class,
        ModelEvaluation.of("reg:squarederror", "train", labels, predicted, null, OptionalInt.empty()).orElseThrow());
    // residuals 0, -1, 0, 2
    assertEquals(Math.sqrt(5.0 / 4), r.rmse(), 1e-12);
    assertEquals(3.0 / 4, r.mae(), 1e-12);
    assertEquals(4, java.util.Arrays.stream(r.residualCounts()).sum());
    assertEquals(-1.0, r.residualEdges()[0], 1e-12);
    assertEquals(2.0, r.residualEdges()[r.residualEdges().length - 1], 1e-12);
    assertEquals(1, r.residualCounts()[0]);
    assertEquals(1, r.residualCounts()[r.residualCounts().length - 1]);
    assertArrayEquals(new float[] {1, 3, 3, 2}, r.predicted());
  }

  @Test
  void objectiveDecidesTheKind() {
    float[] labels = {0, 1};
    assertInstanceOf(ModelEvaluation.Classification.class,
        ModelEvaluation.of("binary:logistic", "v", labels, rows(0.2f, 0.8f), null, OptionalInt.empty()).orElseThrow());
    assertInstanceOf(ModelEvaluation.Regression.class,
        ModelEvaluation.of("reg:logistic", "v", labels, rows(0.2f, 0.8f), null, OptionalInt.empty()).orElseThrow());
    assertTrue(ModelEvaluation.of("survival:cox", "v", labels, rows(0.2f, 0.8f), null, OptionalInt.empty()).isEmpty());
  }

  @Test
  void margins_becomeProbabilities() {
    float[] one = {0f};
    ModelOutputs.probabilities(one, 0, 1);
    assertEquals(0.5f, one[0]);
    // the second row of a flat array of two; the first is left as it is
    float[] three = {7f, 7f, 7f, 0f, (float) Math.log(2), (float) Math.log(5)};
    ModelOutputs.probabilities(three, 3, 3);
    assertArrayEquals(new float[] {7f, 7f, 7f, 0.125f, 0.25f, 0.625f}, three, 1e-6f);
  }

  @Test
  void descending_ordersAsAStableSortByFloatCompare_withTiesNanAndSignedZeros() {
    SplittableRandom random = new SplittableRandom(3);
    float[] specials = {Float.NaN, 0.0f, -0.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
        -Float.MIN_VALUE, Float.MAX_VALUE, 0.5f, -0.5f};
    for (int n = 0; n < 200; n++) {
      float[] score = new float[random.nextInt(0, 300)];
      for (int i = 0; i < score.length; i++) {
        // every fourth array only of quarters, whose keys share their low digits (a skipped radix pass)
        int kind = n % 4 == 0 ? 1 : random.nextInt(3);
        score[i] = kind == 0 ? specials[random.nextInt(specials.length)]
            : kind == 1 ? random.nextInt(5) / 4f : (float) random.nextGaussian();
      }
      int[] expected = IntStream.range(0, score.length).boxed()
          .sorted((a, b) -> Float.compare(score[b], score[a])).mapToInt(Integer::intValue).toArray();
      assertArrayEquals(expected, ModelEvaluation.descending(score), Arrays.toString(score));
    }
  }

  @Test
  void curves_ofManyDistinctScores_keepTheEvenlySpreadPointsOfTheFullCurve_andItsArea() {
    SplittableRandom random = new SplittableRandom(5);
    int n = 7_001;
    float[] score = new float[n];
    boolean[] positive = new boolean[n];
    for (int i = 0; i < n; i++) {
      score[i] = random.nextInt(3) == 0 ? random.nextInt(10) / 10f : random.nextFloat();
      positive[i] = random.nextDouble() < score[i];
    }
    int[] order = ModelEvaluation.descending(score);
    // every point, as a list, the way the curves were made before they kept only the drawn ones
    long positives = 0;
    for (boolean p : positive) {
      positives += p ? 1 : 0;
    }
    List<double[]> roc = new java.util.ArrayList<>(List.of(new double[] {0, 0}));
    List<double[]> pr = new java.util.ArrayList<>();
    double rocArea = 0;
    double prArea = 0;
    long tp = 0;
    for (int i = 0; i < n; i++) {
      tp += positive[order[i]] ? 1 : 0;
      if (i + 1 < n && score[order[i + 1]] == score[order[i]]) {
        continue;
      }
      double x = (double) (i + 1 - tp) / (n - positives);
      double y = (double) tp / positives;
      double[] last = roc.get(roc.size() - 1);
      rocArea += (x - last[0]) * (y + last[1]) / 2;
      roc.add(new double[] {x, y});
      double recall = y;
      prArea += (recall - (pr.isEmpty() ? 0 : pr.get(pr.size() - 1)[0])) * ((double) tp / (i + 1));
      pr.add(new double[] {recall, (double) tp / (i + 1)});
    }
    ModelEvaluation.Curve rocCurve = ModelEvaluation.rocCurve("c", score, order, positive);
    ModelEvaluation.Curve prCurve = ModelEvaluation.precisionRecallCurve("c", score, order, positive);
    assertEquals(rocArea, rocCurve.area());
    assertEquals(prArea, prCurve.area());
    for (Object[] c : new Object[][] {{roc, rocCurve}, {pr, prCurve}}) {
      @SuppressWarnings("unchecked")
      List<double[]> all = (List<double[]>) c[0];
      ModelEvaluation.Curve curve = (ModelEvaluation.Curve) c[1];
      assertTrue(all.size() > ModelEvaluation.MAX_POINTS);
      assertEquals(ModelEvaluation.MAX_POINTS, curve.x().length);
      for (int k = 0; k < ModelEvaluation.MAX_POINTS; k++) {
        double[] point = all.get((int) ((long) k * (all.size() - 1) / (ModelEvaluation.MAX_POINTS - 1)));
        assertEquals(point[0], curve.x()[k]);
        assertEquals(point[1], curve.y()[k]);
      }
    }
  }
}
