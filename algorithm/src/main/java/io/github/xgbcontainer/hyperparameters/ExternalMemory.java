package io.github.xgbcontainer.hyperparameters;

/** The values of {@code external_memory}, with their native names. */
public enum ExternalMemory {
  /** Decide from the estimated in-memory need against the memory the container may use. */
  AUTO("auto"),
  /** Always train from external memory. */
  TRUE("true"),
  /** Never; fail before building when the data cannot fit. */
  FALSE("false");

  private final String nativeName;

  ExternalMemory(String nativeName) {
    this.nativeName = nativeName;
  }

  /** The hyperparameter value, e.g. {@code auto}. */
  public String nativeName() {
    return nativeName;
  }

  static ExternalMemory of(String nativeName) {
    for (ExternalMemory e : values()) {
      if (e.nativeName.equals(nativeName)) {
        return e;
      }
    }
    throw new IllegalArgumentException("external_memory '" + nativeName + "'");
  }
}
