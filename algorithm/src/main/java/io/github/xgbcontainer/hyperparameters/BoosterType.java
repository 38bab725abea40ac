package io.github.xgbcontainer.hyperparameters;

import java.util.Arrays;
import java.util.List;

/** XGBoost's {@code booster}: tree, linear, or trees with dropout. Each carries its native name. */
public enum BoosterType {
  GBTREE("gbtree"),
  GBLINEAR("gblinear"),
  DART("dart");

  private final String nativeName;

  BoosterType(String nativeName) {
    this.nativeName = nativeName;
  }

  /** The name XGBoost reads, e.g. {@code gblinear}. */
  public String nativeName() {
    return nativeName;
  }

  /** Every native name, in declaration order: the values the hyperparameter table allows. */
  static List<String> nativeNames() {
    return Arrays.stream(values()).map(BoosterType::nativeName).toList();
  }

  /** The booster of that native name. */
  static BoosterType of(String nativeName) {
    return Arrays.stream(values()).filter(b -> b.nativeName.equals(nativeName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not an XGBoost booster: " + nativeName));
  }
}
