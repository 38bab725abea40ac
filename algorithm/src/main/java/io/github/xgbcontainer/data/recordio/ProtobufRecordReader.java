package io.github.xgbcontainer.data.recordio;

import io.github.xgbcontainer.channel.DataStream;
import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.InfiniteFeature;
import io.github.xgbcontainer.data.RecordReader;
import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reads SageMaker's RecordIO-protobuf: each RecordIO frame is one {@code aialgs.data.Record}, one
 * row, with its features in {@code features["values"]} and its label in {@code label["values"]}.
 * A tensor is dense when it has no {@code keys}; otherwise {@code keys} are column indices and the
 * last {@code shape} dimension is the row's width. Float32, float64 and int32 tensors are accepted.
 *
 * <p>Runs of dense rows of one width become dense batches; sparse rows become CSR batches (the
 * channel reader turns a channel that mixes the two into CSR). See
 * https://docs.aws.amazon.com/sagemaker/latest/dg/cdf-training.html
 */
public final class ProtobufRecordReader implements RecordReader {

  static final int BATCH_ROWS = 1 << 16;

  @Override
  public void read(String channel, DataStream stream, Consumer<Batch> sink) throws IOException {
    try (InputStream in = stream.open()) {
      RecordLoop loop = new RecordLoop(in, "channel '" + channel + "', file '" + stream.name() + "', ",
          "; perhaps you should check the channel's ContentType");
      Rows rows = new Rows(sink, false);
      try {
        loop.run((where, decoder) -> rows.add(where,
            tensor(where, decoder.hasFeatures, decoder.features, "features"),
            label(where, decoder.hasLabel, decoder.label)));
        rows.flush();
      } finally {
        rows.release();
      }
    }
  }

  /**
   * The record's tensor named {@code values} in {@code map}, checked: the decoder's slot itself,
   * valid until the next record (a million rows should not make a million tensor objects).
   */
  static RecordDecoder.Slot tensor(Supplier<String> where, boolean present, RecordDecoder.Slot slot, String map) {
    if (!present) {
      throw new UserError(where.get() + ": has no " + map + " tensor named 'values'; SageMaker's RecordIO-protobuf "
          + "keeps a row's " + map + " under the key 'values'");
    }
    if (slot.isBytes()) {
      throw new UserError(where.get() + ": the " + map + " tensor 'values' holds bytes, not numbers; "
          + "use a float32, float64 or int32 tensor");
    }
    if (!slot.present()) {
      throw new UserError(where.get() + ": the " + map + " tensor 'values' is empty (no tensor set)");
    }
    return slot;
  }

  private static float label(Supplier<String> where, boolean present, RecordDecoder.Slot slot) {
    RecordDecoder.Slot t = tensor(where, present, slot, "label");
    if (t.count != 1) {
      throw new UserError(where.get() + ": the label tensor 'values' holds " + t.count
          + " values; a row needs exactly one label");
    }
    return t.values[0];
  }

  /**
   * Collects rows into dense or CSR batches of at most {@link #BATCH_ROWS} rows; or, for an
   * inference request, into exactly one batch: dense when every record is dense, else CSR, as the
   * official image stacks a request's records into one matrix.
   */
  static final class Rows {
    private final Consumer<Batch> sink;
    private final boolean oneBatch;
    private float[] labels = new float[1024];
    private int count;
    private boolean sparse;
    private int width = -1;
    // dense: values row-major; sparse: CSR
    private float[] values = new float[4096];
    private int[] indices = new int[4096];
    private long[] indptr = new long[1025];
    private int stored;

    /**
     * @param oneBatch whether every row goes into one batch (an inference request) rather than
     *     into runs of one layout and width, {@link #BATCH_ROWS} at most (a training channel)
     */
    Rows(Consumer<Batch> sink, boolean oneBatch) {
      this.sink = sink;
      this.oneBatch = oneBatch;
    }

    void add(Supplier<String> where, RecordDecoder.Slot features, float label) {
      // an all-zero sparse row has no keys and no values, only its shape
      boolean rowSparse = features.keyCount > 0 || (features.count == 0 && features.shapeCount > 0);
      int rowWidth = rowSparse ? sparseWidth(where, features) : denseWidth(where, features);
      boolean newLayout = rowSparse != sparse || (!sparse && rowWidth != width);
      if (count > 0 && (newLayout || (!oneBatch && count == BATCH_ROWS))) {
        if (!oneBatch) {
          flush();
        } else if (!sparse && !rowSparse) {
          throw new UserError(where.get() + ": the features tensor has " + rowWidth + " values but the first"
              + " record's has " + width + ", perhaps you should give every record the same features");
        } else if (!sparse) {
          toSparse();
        }
      }
      if (count == 0) {
        sparse = rowSparse;
        width = rowWidth;
      }
      width = Math.max(width, rowWidth);
      if (count == labels.length) {
        labels = Arrays.copyOf(labels, count * 2);
        indptr = Arrays.copyOf(indptr, count * 2 + 1);
      }
      labels[count] = label;
      int n = features.count;
      if (!oneBatch) {
        refuseInfinite(where, features, rowSparse);
      }
      ensure(n);
      if (sparse && !rowSparse) {
        // a dense row among sparse ones: its positions are its keys
        for (int j = 0; j < n; j++) {
          indices[stored] = j;
          values[stored++] = features.values[j];
        }
        indptr[count + 1] = stored;
      } else if (sparse) {
        long[] keys = features.keys;
        int[] order = ascending(keys, n) ? null : order(keys, n);
        for (int i = 0; i < n; i++) {
          int j = order == null ? i : order[i];
          int column = (int) keys[j];
          if (i > 0 && column == indices[stored - 1]) {
            throw new UserError(where.get() + ": feature key " + keys[j] + " appears twice");
          }
          indices[stored] = column;
          values[stored++] = features.values[j];
        }
        indptr[count + 1] = stored;
      } else {
        System.arraycopy(features.values, 0, values, stored, n);
        stored += n;
      }
      count++;
    }

    /**
     * A training channel's infinite feature: XGBoost would refuse the matrix later, without naming
     * the record. (An inference request keeps its values: serving has its own behaviour.)
     */
    private static void refuseInfinite(Supplier<String> where, RecordDecoder.Slot features, boolean rowSparse) {
      for (int i = 0; i < features.count; i++) {
        if (Float.isInfinite(features.values[i])) {
          long column = rowSparse ? features.keys[i] : i;
          throw new UserError(where.get() + ": " + InfiniteFeature.refusal("feature " + column
              + " (0-based) of the features tensor", false, "write NaN (in a sparse tensor: leave the"
              + " key out) for a missing value, or a finite number (a float64 beyond ±3.4028235E38 is infinite as a float32)"));
        }
      }
    }

    private void ensure(int more) {
      if (values.length - stored < more) {
        int size = Math.max(values.length * 2, stored + more);
        values = Arrays.copyOf(values, size);
        if (sparse) {
          indices = Arrays.copyOf(indices, size);
        }
      }
      if (sparse && indices.length < values.length) {
        indices = Arrays.copyOf(indices, values.length);
      }
    }

    /** Turns the dense rows collected so far into CSR, each value keyed by its position. */
    private void toSparse() {
      if (indices.length < values.length) {
        indices = new int[values.length];
      }
      for (int k = 0; k < stored; k++) {
        indices[k] = k % width;
      }
      for (int i = 0; i <= count; i++) {
        indptr[i] = (long) i * width;
      }
      sparse = true;
    }

    void flush() {
      if (count == 0) {
        return;
      }
      // dense: straight from the reused arrays to off-heap memory, no heap copy
      Batch batch = sparse
          ? Batch.ofSparse(Arrays.copyOf(labels, count), null, Arrays.copyOf(indptr, count + 1),
              Arrays.copyOf(indices, stored), Arrays.copyOf(values, stored), width)
          : Batch.ofDense(labels, null, values, count, width);
      count = 0;
      stored = 0;
      indptr[0] = 0;
      sink.accept(batch);
    }

    void release() {
      labels = null;
      values = null;
      indices = null;
    }

    private static int denseWidth(Supplier<String> where, RecordDecoder.Slot t) {
      int n = t.count;
      if (n == 0) {
        throw new UserError(where.get() + ": the features tensor 'values' is empty; a dense row needs at least one value");
      }
      if (t.shapeCount > 0 && product(t.shape, t.shapeCount) != n) {
        throw new UserError(where.get() + ": the features tensor has " + n + " values but shape "
            + shape(t.shape, t.shapeCount) + "; a dense tensor's values must fill its shape");
      }
      return n;
    }

    private static int sparseWidth(Supplier<String> where, RecordDecoder.Slot t) {
      if (t.keyCount != t.count) {
        throw new UserError(where.get() + ": the features tensor has " + t.keyCount + " keys but " + t.count
            + " values; a sparse tensor needs one key per value");
      }
      long width;
      if (t.shapeCount == 0) {
        // keys are uint64: one at or above 2^63 is a negative long, and no key may reach past the
        // largest column index XGBoost's int32 CSR indices hold
        for (int i = 0; i < t.keyCount; i++) {
          long key = t.keys[i];
          if (key < 0 || key > Integer.MAX_VALUE - 2) {
            throw new UserError(where.get() + ": feature key " + Long.toUnsignedString(key) + " is not in [0, "
                + (Integer.MAX_VALUE - 2) + "] (keys are 0-based column indices)");
          }
        }
        width = Arrays.stream(t.keys, 0, t.keyCount).max().orElse(-1) + 1;
      } else {
        width = t.shape[t.shapeCount - 1];
        long leading = product(t.shape, t.shapeCount - 1);
        if (leading != 1) {
          throw new UserError(where.get() + ": the features tensor has shape " + shape(t.shape, t.shapeCount)
              + "; one record must be one row, so all but the last dimension must be 1");
        }
      }
      if (width <= 0 || width > Integer.MAX_VALUE - 1) {
        throw new UserError(where.get() + ": the features tensor's width " + Long.toUnsignedString(width)
            + " is not in [1, " + (Integer.MAX_VALUE - 1) + "]");
      }
      for (int i = 0; i < t.keyCount; i++) {
        long key = t.keys[i];
        if (key < 0 || key >= width) {
          throw new UserError(where.get() + ": feature key " + Long.toUnsignedString(key) + " is outside the shape "
              + shape(t.shape, t.shapeCount) + " (keys are 0-based column indices below the width)");
        }
      }
      return (int) width;
    }

    /** A shape as written: its first {@code n} dimensions, which are uint64. */
    private static String shape(long[] dims, int n) {
      StringBuilder s = new StringBuilder("[");
      for (int i = 0; i < n; i++) {
        s.append(i > 0 ? ", " : "").append(Long.toUnsignedString(dims[i]));
      }
      return s.append(']').toString();
    }

    /** The product of the first {@code n} dimensions, -1 where one is not positive or it overflows. */
    private static long product(long[] dims, int n) {
      long p = 1;
      for (int i = 0; i < n; i++) {
        long d = dims[i];
        if (d <= 0) {
          return -1;
        }
        p = Math.multiplyHigh(p, d) != 0 ? -1 : p * d;
        if (p < 0) {
          return -1;
        }
      }
      return p;
    }

    private static boolean ascending(long[] keys, int n) {
      for (int i = 1; i < n; i++) {
        if (keys[i] <= keys[i - 1]) {
          return false;
        }
      }
      return true;
    }

    private static int[] order(long[] keys, int n) {
      Integer[] boxed = new Integer[n];
      for (int i = 0; i < boxed.length; i++) {
        boxed[i] = i;
      }
      Arrays.sort(boxed, (a, b) -> Long.compare(keys[a], keys[b]));
      int[] out = new int[boxed.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = boxed[i];
      }
      return out;
    }
  }
}
