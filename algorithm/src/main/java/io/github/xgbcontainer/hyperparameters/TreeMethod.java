package io.github.xgbcontainer.hyperparameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * XGBoost's {@code tree_method}, as XGBoost runs it: the deprecated {@code gpu_hist} is
 * {@link #HIST} on device {@code cuda}. Each carries its native name.
 */
public enum TreeMethod {
  AUTO("auto"),
  EXACT("exact"),
  APPROX("approx"),
  HIST("hist");

  /** The deprecated name of hist on a GPU, still accepted as a value. */
  static final String GPU_HIST = "gpu_hist";

  private final String nativeName;

  TreeMethod(String nativeName) {
    this.nativeName = nativeName;
  }

  /** The name XGBoost reads, e.g. {@code hist}. */
  public String nativeName() {
    return nativeName;
  }

  /** The values the hyperparameter table allows: every native name, then {@code gpu_hist}. */
  static List<String> acceptedNames() {
    List<String> names = new ArrayList<>(Arrays.stream(values()).map(TreeMethod::nativeName).toList());
    names.add(GPU_HIST);
    return List.copyOf(names);
  }

  /** The method of that native name; {@code gpu_hist} is {@link #HIST}. */
  static TreeMethod of(String nativeName) {
    String name = nativeName.equals(GPU_HIST) ? HIST.nativeName : nativeName;
    return Arrays.stream(values()).filter(m -> m.nativeName.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not an XGBoost tree method: " + nativeName));
  }
}
