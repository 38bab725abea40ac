package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learning to rank end to end: query ids from LibSVM's {@code qid:} and from a CSV
 * {@code query_column} reach XGBoost as query groups, on both channels, so the ranking metrics
 * improve over the rounds; a query whose rows are not contiguous is refused.
 */
class RankingIT {

  @TempDir Path dir;

  /**
   * A learning-to-rank set with a true signal: each query's documents have 6 features, and the
   * relevance (0..4) grows with {@code 3 f0 + 2 f1 - f2} plus noise. Rows of a query are contiguous.
   */
  private static String libsvm(int queries, int docs, long seed) {
    return libsvm(queries, docs, seed, false);
  }

  /** With {@code binary}, relevant (1) when the relevance would be 2 or more, else 0: rank:map's labels. */
  private static String libsvm(int queries, int docs, long seed, boolean binary) {
    Random random = new Random(seed);
    StringBuilder out = new StringBuilder();
    for (int q = 0; q < queries; q++) {
      for (int d = 0; d < docs; d++) {
        double[] f = new double[6];
        for (int i = 0; i < f.length; i++) {
          f[i] = random.nextDouble();
        }
        int relevance = relevance(f, random);
        out.append(binary ? (relevance >= 2 ? 1 : 0) : relevance).append(" qid:").append(1000 + q);
        for (int i = 0; i < f.length; i++) {
          out.append(' ').append(i).append(':').append(String.format(Locale.ROOT, "%.4f", f[i]));
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  /** The same rows as CSV: label, query id, features. */
  private static String csv(String libsvm) {
    StringBuilder out = new StringBuilder();
    for (String line : libsvm.split("\n")) {
      String[] tokens = line.split(" ");
      out.append(tokens[0]).append(',').append(tokens[1].substring(4));
      for (int i = 2; i < tokens.length; i++) {
        out.append(',').append(tokens[i].substring(tokens[i].indexOf(':') + 1));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static int relevance(double[] f, Random random) {
    double score = 3 * f[0] + 2 * f[1] - f[2] + 0.3 * random.nextGaussian();
    return (int) Math.max(0, Math.min(4, Math.floor(score)));
  }

  private TrainJob job(String name, String type, String hyperparameters) throws IOException {
    return new TrainJob(dir.resolve(name))
        .hyperparameters(hyperparameters)
        .inputDataConfig("{\"train\": {\"ContentType\": \"" + type + "\"}, \"validation\": {\"ContentType\": \""
            + type + "\"}}");
  }

  /** The validation score of {@code metric} in each metric line. */
  private static double[] validation(TrainJob job, String metric) {
    List<String> lines = job.metricLines();
    double[] scores = new double[lines.size()];
    for (int i = 0; i < scores.length; i++) {
      String key = "\tvalidation-" + metric + ":";
      String line = lines.get(i);
      int at = line.indexOf(key);
      assertTrue(at >= 0, line);
      int end = line.indexOf('\t', at + 1);
      scores[i] = Double.parseDouble(line.substring(at + key.length(), end < 0 ? line.length() : end));
    }
    return scores;
  }

  private static void assertImproves(TrainJob job, String metric) {
    double[] scores = validation(job, metric);
    assertEquals(20, scores.length, job::toString);
    assertTrue(scores[scores.length - 1] > scores[0] + 0.02,
        metric + " improves over the rounds: " + scores[0] + " then " + scores[scores.length - 1] + "\n" + job);
  }

  @Test
  void libsvmQid_rankingObjectivesImproveOverRounds() throws Exception {
    String[][] cases = {{"rank:pairwise", "ndcg@5"}, {"rank:ndcg", "ndcg@5"}, {"rank:map", "map@5"}};
    for (String[] c : cases) {
      boolean binary = c[0].equals("rank:map");
      String train = libsvm(120, 12, 1, binary);
      String validation = libsvm(40, 12, 2, binary);
      TrainJob job = job(c[0].replace(':', '-'), "text/libsvm", "{\"num_round\": \"20\", \"objective\": \""
          + c[0] + "\", \"eval_metric\": \"" + c[1] + "\", \"eta\": \"0.1\", \"max_depth\": \"3\"}")
          .channelText("train", "train.libsvm", train)
          .channelText("validation", "validation.libsvm", validation)
          .run();
      assertEquals(0, job.exitCode, job::toString);
      assertTrue(job.stderr.contains("channel 'train': 1440 rows, 6 features, 120 queries"), job.stderr);
      assertTrue(job.stderr.contains("channel 'validation': 480 rows, 6 features, 40 queries"), job.stderr);
      assertImproves(job, c[1]);
    }
  }

  @Test
  void csvQueryColumn_givesTheGroups() throws Exception {
    TrainJob job = job("csv", "text/csv", "{\"num_round\": \"20\", \"objective\": \"rank:ndcg\","
        + " \"eval_metric\": \"ndcg@5\", \"eta\": \"0.1\", \"max_depth\": \"3\", \"query_column\": \"2\"}")
        .channelText("train", "train.csv", csv(libsvm(120, 12, 1)))
        .channelText("validation", "validation.csv", csv(libsvm(40, 12, 2)))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    assertTrue(job.stderr.contains("channel 'train': 1440 rows, 6 features, 120 queries"), job.stderr);
    assertImproves(job, "ndcg@5");
  }

  @Test
  void crossValidation_dealsWholeQueriesToFolds() throws Exception {
    TrainJob job = job("cv", "text/libsvm", "{\"num_round\": \"20\", \"objective\": \"rank:ndcg\","
        + " \"eval_metric\": \"ndcg@5\", \"_kfold\": \"3\"}")
        .channelText("train", "train.libsvm", libsvm(60, 10, 3))
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/libsvm\"}}")
        .run();
    assertEquals(0, job.exitCode, job::toString);
    assertTrue(job.stderr.contains("cross-validation: 1 repeat(s) of 3-fold, whole queries per fold (60 queries) on"
        + " 600 rows"), job.stderr);
  }

  @Test
  void queryNotContiguous_isAClientErrorNamingChannelFileAndLine() throws Exception {
    String text = libsvm(3, 2, 4);
    String[] lines = text.split("\n");
    // the first query's second document moved to the end
    String shuffled = lines[0] + "\n" + lines[2] + "\n" + lines[3] + "\n" + lines[4] + "\n" + lines[5] + "\n"
        + lines[1] + "\n";
    TrainJob job = job("scattered", "text/libsvm", "{\"num_round\": \"5\", \"objective\": \"rank:ndcg\"}")
        .channelText("train", "part-1.libsvm", libsvm(2, 3, 5).replace("qid:100", "qid:200"))
        .channelText("train", "part-2.libsvm", shuffled)
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/libsvm\"}}")
        .run();
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: channel 'train', file 'part-2.libsvm', line 6: query id 1000 comes back after other"
        + " queries (its rows began in file 'part-2.libsvm', line 1); the rows of one query must be contiguous,"
        + " perhaps you should sort the rows by query id", job.failure().strip());
    assertFalse(Files.exists(job.model()), "nothing in model/");
  }
}
