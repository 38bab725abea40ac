package io.github.xgbcontainer.serve;

/**
 * What a model file holds, told from its first bytes: XGBoost's own formats load; a Python pickle
 * and the legacy binary format (which XGBoost 3 no longer reads) are refused with the way out.
 */
enum ModelFormat {
  /** XGBoost's JSON model ({@code save_model("m.json")}). */
  JSON,
  /** XGBoost's Universal Binary JSON model, the default since XGBoost 2.1 and what {@code train} writes. */
  UBJSON,
  /** A Python pickle (protocol 2 or later starts with 0x80), as the official image saved models before 1.3. */
  PICKLE,
  /** Anything else: XGBoost's pre-1.0 binary format (it starts with the base score as a float). */
  LEGACY_BINARY;

  static ModelFormat detect(byte[] bytes) {
    if (bytes.length > 0 && (bytes[0] & 0xff) == 0x80) {
      return PICKLE;
    }
    int i = 0;
    while (i < bytes.length && Character.isWhitespace(bytes[i])) {
      i++;
    }
    if (i < bytes.length && bytes[i] == '{') {
      int j = i + 1;
      while (j < bytes.length && Character.isWhitespace(bytes[j])) {
        j++;
      }
      // JSON continues with a quoted key; UBJSON with a length marker ('L', 'i', 'U', '$', ...).
      return j < bytes.length && (bytes[j] == '"' || bytes[j] == '}') ? JSON : UBJSON;
    }
    return LEGACY_BINARY;
  }
}
