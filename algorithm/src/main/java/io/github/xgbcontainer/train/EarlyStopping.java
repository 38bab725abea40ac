package io.github.xgbcontainer.train;

/**
 * XGBoost's early-stopping rule: training stops when the watched score has not improved for
 * {@code patience} rounds. "Improved" means strictly greater for metrics to maximise (auc, ndcg,
 * map, ...) and strictly smaller otherwise. The state is plain numbers so a checkpoint can carry it.
 */
public final class EarlyStopping {

  private final String key;
  private final boolean maximize;
  private final int patience;
  private double bestScore = Double.NaN;
  private int bestRound = -1;

  /**
   * @param key the watched score, e.g. {@code validation-auc}
   * @param maximize whether larger is better
   * @param patience rounds without improvement before stopping
   */
  public EarlyStopping(String key, boolean maximize, int patience) {
    this.key = key;
    this.maximize = maximize;
    this.patience = patience;
  }

  /** Restores the state a checkpoint saved. */
  public void restore(double bestScore, int bestRound) {
    this.bestScore = bestScore;
    this.bestRound = bestRound;
  }

  /** Records one round; returns whether training should stop after it. */
  public boolean record(EvaluationLine line) {
    Double score = line.scores().get(key);
    if (score == null) {
      throw new IllegalStateException("no score '" + key + "' in " + line.scores().keySet());
    }
    if (bestRound < 0 || (maximize ? score > bestScore : score < bestScore)) {
      bestScore = score;
      bestRound = line.round();
    }
    return line.round() - bestRound >= patience;
  }

  public String key() {
    return key;
  }

  public boolean maximize() {
    return maximize;
  }

  public double bestScore() {
    return bestScore;
  }

  public int bestRound() {
    return bestRound;
  }
}
