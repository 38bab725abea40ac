package io.github.xgbcontainer.device;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.xgbcontainer.json.JsonText;
import io.github.xgbcontainer.matrix.NativeShim;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * How the loaded libxgboost4j was built, as XGBoost's {@code XGBuildInfo} reports it.
 *
 * @param cuda whether it is built with CUDA ({@code USE_CUDA}): the GPU image's is, Maven Central's
 *     {@code xgboost4j_2.12} is not
 * @param cudaMajor the CUDA major version it is built with ({@code CUDA_VERSION}), 0 without CUDA
 * @param cudaMinor the CUDA minor version, 0 without CUDA
 * @see <a href="https://xgboost.readthedocs.io/en/stable/c.html">XGBoost C API: XGBuildInfo</a>
 */
public record XgboostBuild(boolean cuda, int cudaMajor, int cudaMinor) {

  public XgboostBuild {
    if (cudaMajor < 0 || cudaMinor < 0) {
      throw new IllegalArgumentException("CUDA version " + cudaMajor + "." + cudaMinor + " is negative");
    }
    if (!cuda && (cudaMajor != 0 || cudaMinor != 0)) {
      throw new IllegalArgumentException("a build without CUDA has no CUDA version");
    }
  }

  /** The build of the library xgboost4j loaded; empty when the native shim cannot ask (see NativeShim). */
  public static Optional<XgboostBuild> loaded() {
    if (!NativeShim.available()) {
      return Optional.empty();
    }
    String json = NativeShim.buildInfo();
    return json == null ? Optional.empty() : Optional.of(parse(json));
  }

  /** Reads XGBuildInfo's JSON: {@code "USE_CUDA": true, "CUDA_VERSION": [12, 8]}. */
  static XgboostBuild parse(String json) {
    JsonNode info;
    try {
      info = JsonText.parse(json);
    } catch (IOException e) {
      throw new UncheckedIOException("XGBuildInfo returned no JSON: " + json, e);
    }
    boolean cuda = info.path("USE_CUDA").asBoolean(false);
    JsonNode version = info.path("CUDA_VERSION");
    return cuda ? new XgboostBuild(true, version.path(0).asInt(0), version.path(1).asInt(0))
        : new XgboostBuild(false, 0, 0);
  }

  /** {@code CUDA 12.8}, or {@code no CUDA}. */
  String describe() {
    return cuda ? "CUDA " + cudaMajor + "." + cudaMinor : "no CUDA";
  }
}
