package io.github.xgbcontainer.matrix;

import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.ChannelData;
import io.github.xgbcontainer.error.AlgorithmError;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import java.nio.Buffer;
import java.util.List;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Turns a parsed channel into an xgboost4j {@link DMatrix} through the leanest path available.
 *
 * <p>With {@link MatrixOptions#quantile()} and the native shim loaded, it builds a QuantileDMatrix
 * (what the Python package calls {@code xgboost.QuantileDMatrix}) straight from the off-heap
 * batches: XGBoost keeps only the histogram index, about one byte per cell, instead of the
 * eight-byte entries of a plain DMatrix. A validation matrix must be built with the training
 * matrix as {@code reference} so that both use the same histogram cuts. Otherwise it builds a
 * plain DMatrix, streamed row by row from the batches.
 *
 * <p>The caller owns the returned matrix and must {@link DMatrix#dispose()} it; the batches may
 * be closed as soon as this returns. {@link #buildConsuming} is for a channel whose feature values
 * nothing reads afterwards: it frees them, during the build where XGBoost allows.
 *
 * @see <a href="https://xgboost.readthedocs.io/en/stable/python/python_api.html#xgboost.QuantileDMatrix">QuantileDMatrix</a>
 */
public final class MatrixFactory {

  /** Which path {@link #build} takes for these options on this machine. */
  public MatrixPath plan(MatrixOptions options) {
    if (options.external() != null) {
      if (!NativeShim.available()) {
        throw new PlatformError("external memory needs the native shim, which is unavailable here: "
            + NativeShim.unavailableReason() + "; perhaps you should set external_memory=false and use an instance "
            + "type with enough memory for the data");
      }
      return MatrixPath.EXTERNAL;
    }
    return options.quantile() && NativeShim.available() ? MatrixPath.QUANTILE : MatrixPath.PLAIN;
  }

  /** Why the quantile path is unavailable on this machine; {@code null} when it is available. */
  public String quantileUnavailableReason() {
    return NativeShim.unavailableReason();
  }

  /** The path a matrix returned by {@link #build} was built by. */
  public static MatrixPath pathOf(DMatrix matrix) {
    return matrix instanceof QuantileMatrix q ? (q.external() ? MatrixPath.EXTERNAL : MatrixPath.QUANTILE)
        : MatrixPath.PLAIN;
  }

  /**
   * Builds the matrix for one channel, with its labels and, where present, weights.
   *
   * @param data the parsed channel; not modified, not closed
   * @param options missing value, bins, threads and whether a quantised matrix may be built
   * @param reference the training matrix when {@code data} is a validation channel, else null;
   *     the quantile path takes its histogram cuts from it (the plain path does not need it)
   * @throws UserError when the channel is empty or its features do not match the reference
   * @throws AlgorithmError when XGBoost fails to build the matrix, with XGBoost's message
   */
  public DMatrix build(ChannelData data, MatrixOptions options, DMatrix reference) {
    return build(data, options, reference, false);
  }

  /**
   * As {@link #build}, for a channel whose feature values nothing reads afterwards: on the quantile
   * path with dense rows and no missing value they are returned to the system during XGBoost's last
   * pass that reads them (see {@link NativeShim#createQuantile}), so the peak holds the parsed rows
   * or the histogram index, not both; on every path they are freed once the matrix is built
   * ({@link Batch#releaseFeatures()}). The labels, weights and groups stay readable.
   */
  public DMatrix buildConsuming(ChannelData data, MatrixOptions options, DMatrix reference) {
    return build(data, options, reference, true);
  }

  /** {@link #buildConsuming(ChannelData, MatrixOptions, DMatrix)} of a training matrix (no reference). */
  public DMatrix buildConsuming(ChannelData data, MatrixOptions options) {
    return build(data, options, null, true);
  }

  /** A description of how the values of a {@link #buildConsuming} matrix were released, for the log. */
  public static String releaseNote(DMatrix matrix) {
    if (matrix instanceof QuantileMatrix q && q.external()) {
      return "parsed rows dropped from memory batch by batch as XGBoost read them";
    }
    if (matrix instanceof QuantileMatrix q && q.releasedFrom() > 0) {
      return "parsed values released from XGBoost's pass " + q.releasedFrom() + " of " + q.passes();
    }
    return "parsed values released after the build";
  }

  private DMatrix build(ChannelData data, MatrixOptions options, DMatrix reference, boolean consume) {
    if (data.rows() == 0) {
      throw new UserError("channel '" + data.channel() + "' has no rows, perhaps you should check"
          + " that its files are not empty");
    }
    DMatrix matrix = plan(options) == MatrixPath.PLAIN ? named(plain(data, options), data)
        : quantileFor(data, options, reference, consume);
    if (consume) {
      data.batches().forEach(Batch::releaseFeatures);
    }
    if (data.hasGroups()) {
      try {
        setGroups(matrix, data);
      } catch (RuntimeException e) {
        matrix.dispose();
        throw e;
      }
    }
    return matrix;
  }

  private static DMatrix quantileFor(ChannelData data, MatrixOptions options, DMatrix reference,
      boolean consume) {
    long features = data.features();
    long referenceHandle = 0;
    if (reference != null) {
      referenceHandle = reference.getHandle();
      long trained = columnsOf(reference);
      boolean dense = data.batches().get(0).isDense();
      // A sparse (LibSVM) channel may simply not use the highest feature indices; a dense one
      // must have the same columns. More features than the reference can never share its cuts.
      if (features > trained || (dense && features != trained)) {
        throw new UserError("channel '" + data.channel() + "' has " + features
            + " features but the training data has " + trained
            + ", perhaps you should give both channels the same columns");
      }
      features = trained;
    }
    return named(quantile(data, options, referenceHandle, features, consume), data);
  }

  /** Gives the matrix the channel's feature names (Parquet's columns); the trainer hands them to the booster. */
  private static DMatrix named(DMatrix matrix, ChannelData data) {
    if (data.featureNames().isEmpty()) {
      return matrix;
    }
    try {
      matrix.setFeatureNames(data.featureNames().toArray(String[]::new));
      return matrix;
    } catch (XGBoostError e) {
      matrix.dispose();
      throw new AlgorithmError("channel '" + data.channel() + "': setting the feature names: "
          + withoutStackTrace(String.valueOf(e.getMessage())), e);
    }
  }

  /**
   * Gives the matrix its query groups (learning to rank). The quantised matrix is built without
   * them: XGBoost's sketch needs only the rows and their weights, and the groups are read when the
   * ranking objective and metrics run. In ranking XGBoost weighs whole queries (one weight per
   * group), so per-row weights must agree within each query and become the query's weight.
   */
  private static void setGroups(DMatrix matrix, ChannelData data) {
    int[] groups = data.groups();
    try {
      matrix.setGroup(groups);
      // always: xgboost4j's row iterator gives every row a weight, which ranking refuses
      float[] weights = data.hasWeights() ? groupWeights(data, groups) : new float[groups.length];
      if (!data.hasWeights()) {
        java.util.Arrays.fill(weights, 1f);
      }
      matrix.setWeight(weights);
    } catch (XGBoostError e) {
      throw new AlgorithmError("channel '" + data.channel() + "': setting the query groups: "
          + withoutStackTrace(String.valueOf(e.getMessage())), e);
    }
  }

  private static float[] groupWeights(ChannelData data, int[] groups) {
    float[] perGroup = new float[groups.length];
    int group = 0;
    int left = groups[0];
    long row = 0;
    for (Batch batch : data.batches()) {
      java.nio.FloatBuffer weights = batch.weights();
      for (int i = 0; i < batch.rows(); i++, row++) {
        float w = weights.get(i);
        if (left == groups[group]) {
          perGroup[group] = w;
        } else if (w != perGroup[group]) {
          throw new UserError("channel '" + data.channel() + "', row " + (row + 1) + ": instance weight " + w
              + " differs from the weight " + perGroup[group] + " of the earlier rows of its query (query "
              + (group + 1) + " of the channel); in learning to rank XGBoost weighs whole queries, perhaps you"
              + " should give every row of a query the same weight");
        }
        if (--left == 0 && group + 1 < groups.length) {
          left = groups[++group];
        }
      }
    }
    return perGroup;
  }

  /** The quantile path without the reference checks of {@link #build}. */
  static QuantileMatrix quantile(ChannelData data, MatrixOptions options, long referenceHandle,
      long features, boolean consume) {
    List<Batch> batches = data.batches().stream().filter(b -> b.rows() > 0).toList();
    if (options.external() != null) {
      batches = options.external().pages(batches);
    }
    int n = batches.size();
    boolean sparse = !batches.get(0).isDense();
    Buffer[] labels = new Buffer[n];
    Buffer[] weights = new Buffer[n];
    Buffer[] values = new Buffer[n];
    Buffer[] indptr = sparse ? new Buffer[n] : null;
    Buffer[] indices = sparse ? new Buffer[n] : null;
    int[] rows = new int[n];
    int[] columns = new int[n];
    int[] packing = new int[n];
    boolean external = options.external() != null;
    for (int i = 0; i < n; i++) {
      Batch batch = batches.get(i);
      if (batch.isDense() == sparse) {
        throw new AlgorithmError("channel '" + data.channel() + "' mixes dense and CSR batches");
      }
      labels[i] = batch.labels();
      weights[i] = batch.weights();
      // the shim decodes packed values batch by batch; the external path maps floats from its files
      packing[i] = external ? 0 : batch.packingCode();
      values[i] = packing[i] != 0 ? batch.packedValues() : batch.values();
      if (sparse) {
        indptr[i] = batch.indptr();
        indices[i] = batch.indices();
      }
      rows[i] = batch.rows();
      columns[i] = batch.columns();
    }
    String[] error = new String[1];
    long[] stats = new long[2];
    long handle = external
        ? NativeShim.createExternal(labels, weights, values, indptr, indices, rows, columns, features,
            config(options, options.external().xgboostPrefix(data.channel()).toString()), referenceHandle, error)
        : NativeShim.createQuantile(labels, weights, values, packing, indptr, indices, rows, columns, features,
            config(options), referenceHandle, consume, options.missing(), stats, error);
    if (handle == 0) {
      throw new AlgorithmError("channel '" + data.channel() + "': " + withoutStackTrace(error[0]));
    }
    return new QuantileMatrix(handle, external, (int) stats[0], (int) stats[1]);
  }

  /** XGBoost appends a native stack trace to its messages; users need only the first part. */
  static String withoutStackTrace(String message) {
    int trace = message.indexOf("\nStack trace:");
    return trace < 0 ? message : message.substring(0, trace);
  }

  private static long columnsOf(DMatrix matrix) {
    String[] error = new String[1];
    long columns = NativeShim.columns(matrix.getHandle(), error);
    if (columns < 0) {
      throw new AlgorithmError("cannot read the reference matrix's column count: "
          + withoutStackTrace(error[0]));
    }
    return columns;
  }

  /** The JSON config of {@code XGQuantileDMatrixCreateFromCallback}. */
  static String config(MatrixOptions options) {
    return "{\"missing\":" + json(options.missing()) + ",\"nthread\":" + options.nthread()
        + ",\"max_bin\":" + options.maxBin() + "}";
  }

  /**
   * The JSON config of {@code XGExtMemQuantileDMatrixCreateFromCallback}: XGBoost writes its pages
   * to files named from {@code cache_prefix}; {@code on_host} false keeps them on disk rather than in
   * host memory (the key matters to the GPU build; the CPU build reads its pages from disk).
   */
  static String config(MatrixOptions options, String cachePrefix) {
    return "{\"missing\":" + json(options.missing()) + ",\"nthread\":" + options.nthread()
        + ",\"max_bin\":" + options.maxBin() + ",\"on_host\":false,\"cache_prefix\":\""
        + cachePrefix.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
  }

  private static String json(float value) {
    if (Float.isNaN(value)) {
      return "NaN";
    }
    if (Float.isInfinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    return Float.toString(value);
  }

  private static DMatrix plain(ChannelData data, MatrixOptions options) {
    try {
      return new DMatrix(new BatchRows(data.batches(), data.features()), null, options.missing());
    } catch (XGBoostError e) {
      throw new AlgorithmError("channel '" + data.channel() + "': building the plain matrix: "
          + withoutStackTrace(String.valueOf(e.getMessage())), e);
    }
  }
}
