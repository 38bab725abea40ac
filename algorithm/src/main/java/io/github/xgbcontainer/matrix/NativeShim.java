package io.github.xgbcontainer.matrix;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostJNI;

/**
 * The JNI shim ({@code src/main/c/xgbc_shim.c}) to the XGBoost C API entry points xgboost4j 3.4.0
 * does not expose to Java: a CPU QuantileDMatrix built from batches, feature importance computed
 * natively ({@link #featureScores}) rather than from a text dump of every tree, model slicing
 * ({@link #sliceModel}), a booster's saved configuration ({@link #boosterConfig}), in-place
 * prediction through a proxy matrix kept per thread ({@link #predictDense}, {@link #predictCsr}),
 * prediction of a whole DMatrix into one flat array ({@link #predictMatrix}), and how the library was
 * built ({@link #buildInfo}); besides, which GPUs the NVIDIA driver shows
 * ({@link #cudaDevices}).
 *
 * <p>Loading never throws: where the shim is missing from the jar (built without gcc), is for
 * another platform, or cannot find xgboost4j's native library, {@link #available()} is false,
 * {@link #unavailableReason()} says why, and one log line reports the fallback.
 */
public final class NativeShim {

  private static final System.Logger LOG = System.getLogger(NativeShim.class.getName());

  /** Null when the shim is bound and ready, otherwise why it is not. */
  private static final String UNAVAILABLE = load();

  private NativeShim() {}

  /** Whether the shim is loaded and bound; when false, callers take xgboost4j's own paths. */
  public static boolean available() {
    return UNAVAILABLE == null;
  }

  /** Why the shim cannot be used; {@code null} when it can. */
  public static String unavailableReason() {
    return UNAVAILABLE;
  }

  /**
   * Builds a QuantileDMatrix from batches. Per batch {@code i}: {@code labels[i]},
   * {@code weights[i]} (null element when unweighted), {@code values[i]}, and for CSR
   * {@code indptr[i]}/{@code indices[i]} (both arrays null for dense); every buffer direct.
   *
   * @param packing per batch, 0 when {@code values[i]} holds floats, else {@link
   *     io.github.xgbcontainer.data.Batch#packingCode()} of a dense batch whose values are packed
   *     short decimals: the shim decodes each into floats as XGBoost asks for it
   * @param consume whether the values may be released during the build: where every batch is
   *     dense and none holds a value equal to {@code missing} (or NaN), the shim returns each
   *     batch's value pages to the system as soon as XGBoost's last pass that reads them has moved
   *     past it (they read as zeros afterwards), so the parsed rows and the finished index are never
   *     resident at once; the caller must not read the values after a consuming build
   * @param stats receives the passes XGBoost made over the batches and the pass from which values
   *     were released (0 when they were kept)
   * @return the DMatrixHandle, or 0 with {@code error[0]} set to XGBoost's message
   */
  static native long createQuantile(Buffer[] labels, Buffer[] weights, Buffer[] values, int[] packing,
      Buffer[] indptr, Buffer[] indices, int[] rows, int[] columns, long features, String config,
      long reference, boolean consume, float missing, long[] stats, String[] error);

  /**
   * Builds an external-memory QuantileDMatrix ({@code XGExtMemQuantileDMatrixCreateFromCallback})
   * from batches laid out as for {@link #createQuantile}, whose buffers must be read-only file
   * mappings: the shim drops each from the resident set once XGBoost has consumed it. The config
   * carries {@code cache_prefix}.
   *
   * @return the DMatrixHandle, or 0 with {@code error[0]} set to XGBoost's message
   */
  static native long createExternal(Buffer[] labels, Buffer[] weights, Buffer[] values,
      Buffer[] indptr, Buffer[] indices, int[] rows, int[] columns, long features, String config,
      long reference, String[] error);

  /**
   * XGBoost's feature importance ({@code XGBoosterFeatureScore}) of a serialised model, loaded once
   * and scored once per config.
   *
   * @param model the model, as {@code Booster.toByteArray} returns it
   * @param configs one JSON config a score: {@code importance_type}, and {@code feature_names}
   * @param features receives, per config, the names of the features that have a score
   * @param scores receives, per config, their scores, row-major, {@code perFeature[i]} per name
   * @param perFeature receives, per config, the scores per name (1 for tree models), or -1 where
   *     XGBoost refused that config
   * @param error receives XGBoost's message when the model does not load
   * @return 0, or -1 when the model does not load
   */
  public static native int featureScores(byte[] model, String[] configs, String[][] features, float[][] scores,
      int[] perFeature, String[] error);

  /**
   * The first {@code rounds} boosting rounds of a serialised model ({@code XGBoosterSlice}), as
   * UBJSON, attributes included.
   *
   * @param model the model, as {@code Booster.toByteArray} returns it
   * @param error receives XGBoost's message when the model does not load or cannot be sliced
   * @return the sliced model, or null with {@code error[0]} set
   */
  public static native byte[] sliceModel(byte[] model, int rounds, String[] error);

  /**
   * The configuration XGBoost saves for a live booster ({@code XGBoosterSaveJsonConfig}): every
   * parameter in effect, defaults and the estimated {@code base_score} included.
   *
   * @param booster the native handle of a live xgboost4j Booster
   * @param error receives XGBoost's message when it fails
   * @return the JSON text, or null with {@code error[0]} set
   */
  public static native String boosterConfig(long booster, String[] error);

  /**
   * Predicts dense rows with every tree ({@code XGBoosterPredictFromDense}, what xgboost4j's
   * {@code inplace_predict} calls) through a proxy matrix kept per thread: xgboost4j makes a new proxy
   * for every call, and each new one reads the cgroup's CPU quota files, half of a one-row
   * prediction's native time.
   *
   * @param booster the native handle of a live xgboost4j Booster ({@link #boosterHandle})
   * @param values {@code rows * columns} values, row-major, {@code NaN} missing
   * @param margin whether to answer the untransformed margin instead of the objective's output
   * @param error receives XGBoost's message when it fails
   * @return the predictions, row-major ({@code rows} times the outputs per row), or null with
   *     {@code error[0]} set
   */
  public static native float[] predictDense(long booster, float[] values, int rows, int columns, boolean margin,
      String[] error);

  /**
   * As {@link #predictDense}, for CSR rows ({@code XGBoosterPredictFromCSR}): no DMatrix is built.
   * Every index must lie in [0, {@code columns}); XGBoost does not check.
   */
  public static native float[] predictCsr(long booster, long[] indptr, int[] indices, float[] values, long columns,
      boolean margin, String[] error);

  /**
   * Predicts a whole DMatrix with every tree ({@code XGBoosterPredictFromDMatrix}) into one array:
   * xgboost4j's {@code predict} answers a Java array per row, about six times the heap of the values
   * themselves at one output per row. The booster's prediction cache for that matrix serves as it
   * serves xgboost4j's call.
   *
   * @param booster the native handle of a live xgboost4j Booster ({@link #boosterHandle})
   * @param matrix the native handle of a live xgboost4j DMatrix ({@code DMatrix.getHandle})
   * @param margin whether to answer the untransformed margin instead of the objective's output
   * @param shape receives the rows ({@code shape[0]}) and the outputs per row ({@code shape[1]})
   * @param error receives XGBoost's message when it fails
   * @return the predictions, row-major, or null with {@code error[0]} set
   */
  public static native float[] predictMatrix(long booster, long matrix, boolean margin, long[] shape,
      String[] error);

  /** xgboost4j's native handle of a live Booster, which it keeps in a private field; 0 if unreadable. */
  public static long boosterHandle(Booster booster) {
    try {
      Field field = Booster.class.getDeclaredField("handle");
      field.setAccessible(true);
      return field.getLong(booster);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * How the loaded libxgboost4j was built ({@code XGBuildInfo}): JSON with {@code USE_CUDA} and,
   * for the CUDA build, {@code CUDA_VERSION}; null when XGBoost does not answer.
   */
  public static native String buildInfo();

  /**
   * The NVIDIA GPUs this process can use, asked of the driver ({@code libcuda.so.1}: cuInit,
   * cuDeviceGetCount, cuDeviceGetName), since XGBoost's CUDA build falls back to the CPU with only
   * a warning when it finds none.
   *
   * @param names receives the GPUs' names, GPU 0 first, as many as it has room for
   * @param capabilities receives their compute capabilities, 10 * major + minor (75 for 7.5), as
   *     long as {@code names}
   * @param driverVersion receives the CUDA version the driver supports (1000 * major + 10 * minor)
   * @param error receives why, when the count is negative
   * @return the number of GPUs; -1 when libcuda.so.1 cannot be loaded (no driver in the container),
   *     -2 when a driver call fails (such as cuInit with CUDA_ERROR_NO_DEVICE)
   */
  public static native int cudaDevices(String[] names, int[] capabilities, int[] driverVersion, String[] error);

  /** The column count of a DMatrix handle, or -1 with {@code error[0]} set. */
  static native long columns(long handle, String[] error);

  /** Binds the shim to the C API of the loaded xgboost4j library; null when ready, else why not. */
  private static native String bind();

  private static String load() {
    String why;
    try {
      why = loadAndBind();
    } catch (Throwable e) { // UnsatisfiedLinkError, SecurityException, xgboost4j's init failure
      why = e.toString();
    }
    if (why != null) {
      LOG.log(System.Logger.Level.INFO,
          "quantile matrix shim unavailable, falling back to a plain DMatrix: " + why);
    }
    return why;
  }

  private static String loadAndBind() throws IOException {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (!os.startsWith("linux")) {
      return "no shim is built for " + System.getProperty("os.name");
    }
    String arch = switch (System.getProperty("os.arch", "")) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> null;
    };
    if (arch == null) {
      return "no shim is built for os.arch " + System.getProperty("os.arch");
    }
    String resource = "/native/linux-" + arch + "/libxgbcshim.so";
    // xgboost4j's static initialiser loads libxgboost4j; the shim binds to that very instance.
    XGBoostJNI.XGBGetLastError();
    try (InputStream in = NativeShim.class.getResourceAsStream(resource)) {
      if (in == null) {
        return resource + " is not on the class path (the build had no gcc or JNI headers)";
      }
      Path file = Files.createTempFile("libxgbcshim", ".so");
      try {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        System.load(file.toAbsolutePath().toString());
      } finally {
        // Once mapped the file is no longer needed; Linux keeps the mapping alive.
        Files.deleteIfExists(file);
      }
    }
    return bind();
  }
}
