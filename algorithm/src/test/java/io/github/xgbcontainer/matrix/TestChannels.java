package io.github.xgbcontainer.matrix;

import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.ChannelData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Channels and training parameters the matrix tests share. */
final class TestChannels {

  private TestChannels() {}

  /** Rows of {@code features} floats in [-5, 5), label a noisy function of them; row-major values. */
  record Rows(float[] labels, float[] weights, float[] values, int features) {

    /** About one value in ten missing (NaN). */
    static Rows someMissing(int features, int n, long seed, boolean weighted) {
      return generate(features, n, seed, weighted, true);
    }

    /** Every value present, each with two decimals. */
    static Rows complete(int features, int n, long seed, boolean weighted) {
      return generate(features, n, seed, weighted, false);
    }

    private static Rows generate(int features, int n, long seed, boolean weighted, boolean holes) {
      Random random = new Random(seed);
      float[] labels = new float[n];
      float[] weights = weighted ? new float[n] : null;
      float[] values = new float[n * features];
      for (int i = 0; i < n; i++) {
        float sum = 0;
        for (int j = 0; j < features; j++) {
          float v = random.nextFloat() * 10 - 5;
          if (holes && random.nextInt(10) == 0) {
            values[i * features + j] = Float.NaN;
          } else {
            v = holes ? v : Math.round(v * 100) / 100f;
            values[i * features + j] = v;
            sum += v * (j % 2 == 0 ? 1 : -0.5f);
          }
        }
        labels[i] = sum + (float) random.nextGaussian() * 0.1f;
        if (weighted) {
          weights[i] = 0.5f + random.nextFloat() * 2;
        }
      }
      return new Rows(labels, weights, values, features);
    }

    /** The same rows with every {@code from} replaced by {@code to}. */
    Rows replacing(float from, float to) {
      float[] changed = values.clone();
      for (int i = 0; i < changed.length; i++) {
        if (changed[i] == from) {
          changed[i] = to;
        }
      }
      return new Rows(labels, weights, changed, features);
    }

    /** The same rows with value {@code index} (row-major) set to {@code value}. */
    Rows with(int index, float value) {
      float[] changed = values.clone();
      changed[index] = value;
      return new Rows(labels, weights, changed, features);
    }

    /** A fresh channel of these rows in batches of at most {@code size} rows, dense or CSR. */
    ChannelData channel(String name, int size, boolean sparse) {
      return TestChannels.channel(name, labels, weights, values, features, size, sparse);
    }

    /** A fresh dense channel of these rows with every batch packed where its values allow ({@link Batch#packed()}). */
    ChannelData packedChannel(String name, int size) {
      ChannelData floats = channel(name, size, false);
      return new ChannelData(name, floats.batches().stream().map(Batch::packed).toList(), features);
    }
  }

  /**
   * Row-major {@code values} ({@code features} a row, NaN missing) as a channel in batches of at
   * most {@code size} rows, dense or CSR (a CSR row keeps its present values only).
   */
  static ChannelData channel(String name, float[] labels, float[] weights, float[] values, int features, int size,
      boolean sparse) {
    List<Batch> batches = new ArrayList<>();
    for (int start = 0; start < labels.length; start += size) {
      int end = Math.min(labels.length, start + size);
      float[] l = Arrays.copyOfRange(labels, start, end);
      float[] w = weights == null ? null : Arrays.copyOfRange(weights, start, end);
      float[] v = Arrays.copyOfRange(values, start * features, end * features);
      batches.add(sparse ? csr(l, w, v, features) : Batch.ofDense(l, w, v, features));
    }
    return new ChannelData(name, batches, features);
  }

  private static Batch csr(float[] l, float[] w, float[] v, int features) {
    long[] indptr = new long[l.length + 1];
    int[] indices = new int[v.length];
    float[] data = new float[v.length];
    int nnz = 0;
    for (int i = 0; i < l.length; i++) {
      for (int j = 0; j < features; j++) {
        float x = v[i * features + j];
        if (!Float.isNaN(x)) {
          indices[nnz] = j;
          data[nnz++] = x;
        }
      }
      indptr[i + 1] = nnz;
    }
    return Batch.ofSparse(l, w, indptr, Arrays.copyOf(indices, nnz), Arrays.copyOf(data, nnz), features);
  }

  /** hist, depth 4, squared error, one thread, seed 0: a small model that is the same every time. */
  static Map<String, Object> hist() {
    Map<String, Object> params = new HashMap<>();
    params.put("tree_method", "hist");
    params.put("max_depth", 4);
    params.put("eta", 0.3);
    params.put("objective", "reg:squarederror");
    params.put("nthread", 1);
    params.put("seed", 0);
    params.put("verbosity", 0);
    return params;
  }
}
