package io.github.xgbcontainer.serve;

import io.github.xgbcontainer.error.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SageMaker's RecordIO-protobuf: RecordIO frames (little-endian magic {@code 0xCED7230A}, length,
 * payload padded to 4 bytes), each an {@code aialgs.data.Record} whose {@code features["values"]}
 * tensor is one row: dense, or sparse with {@code keys} and {@code shape}. The protobuf wire format
 * is decoded by hand for the few fields read; the rest are skipped.
 *
 * @see <a href="https://docs.aws.amazon.com/sagemaker/latest/dg/cdf-inference.html">Common data formats for inference</a>
 */
final class RecordIoProtobuf {

  private static final int MAGIC = 0xCED7230A;

  private RecordIoProtobuf() {}

  /** One row: values, with keys (feature indices) when sparse, and the declared width. */
  private record Row(float[] values, long[] keys, long width) {}

  static Rows read(byte[] body) {
    List<Row> rows = new ArrayList<>();
    int pos = 0;
    int record = 0;
    while (pos < body.length) {
      record++;
      if (body.length - pos < 8 || intLe(body, pos) != MAGIC) {
        throw new UserError("record " + record + " (byte " + pos + ") does not start with the RecordIO"
            + " magic number 0xCED7230A, perhaps you should send the body as SageMaker's RecordIO-protobuf"
            + " (sagemaker.amazon.common.write_numpy_to_dense_tensor)");
      }
      int length = intLe(body, pos + 4) & 0x1fffffff;
      int start = pos + 8;
      if (length > body.length - start) {
        throw new UserError("record " + record + " says it holds " + length + " bytes but only "
            + (body.length - start) + " follow");
      }
      try {
        rows.add(record(new Reader(body, start, start + length)));
      } catch (IndexOutOfBoundsException | IllegalStateException e) {
        throw new UserError("record " + record + " is not a valid protobuf Record: " + e.getMessage());
      }
      pos = start + ((length + 3) & ~3);
    }
    if (rows.isEmpty()) {
      return null;
    }
    boolean sparse = rows.stream().anyMatch(r -> r.keys() != null);
    if (!sparse) {
      int columns = rows.get(0).values().length;
      float[] values = new float[rows.size() * columns];
      for (int i = 0; i < rows.size(); i++) {
        float[] row = rows.get(i).values();
        if (row.length != columns) {
          throw new UserError("record " + (i + 1) + " has " + row.length + " features but record 1 has "
              + columns + ", perhaps you should give every record the same features");
        }
        System.arraycopy(row, 0, values, i * columns, columns);
      }
      return Rows.dense(rows.size(), columns, values);
    }
    long[] indptr = new long[rows.size() + 1];
    int nnz = rows.stream().mapToInt(r -> r.values().length).sum();
    int[] indices = new int[nnz];
    float[] values = new float[nnz];
    long width = 0;
    int k = 0;
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      for (int j = 0; j < row.values().length; j++) {
        long index = row.keys() == null ? j : row.keys()[j];
        if (row.keys() != null && row.keys().length != row.values().length) {
          throw new UserError("record " + (i + 1) + " has " + row.keys().length + " keys for "
              + row.values().length + " values");
        }
        indices[k] = Math.toIntExact(index);
        values[k++] = row.values()[j];
        width = Math.max(width, index + 1);
      }
      width = Math.max(width, row.width());
      indptr[i + 1] = k;
    }
    return new Rows(rows.size(), Math.toIntExact(width), values, indptr, indices);
  }

  private static Row record(Reader in) {
    Row row = null;
    while (in.more()) {
      int tag = (int) in.varint();
      if (tag >>> 3 == 1 && (tag & 7) == 2) {
        Reader entry = in.message();
        String key = "";
        Row value = null;
        while (entry.more()) {
          int t = (int) entry.varint();
          if (t >>> 3 == 1 && (t & 7) == 2) {
            key = entry.string();
          } else if (t >>> 3 == 2 && (t & 7) == 2) {
            value = value(entry.message());
          } else {
            entry.skip(t & 7);
          }
        }
        if (key.equals("values")) {
          row = value;
        }
      } else {
        in.skip(tag & 7);
      }
    }
    if (row == null) {
      throw new IllegalStateException("it has no features['values'] tensor");
    }
    return row;
  }

  /** A {@code Value}: float32 (2), float64 (3) or int32 (7) tensor. */
  private static Row value(Reader in) {
    Row row = null;
    while (in.more()) {
      int tag = (int) in.varint();
      int field = tag >>> 3;
      if ((field == 2 || field == 3 || field == 7) && (tag & 7) == 2) {
        row = tensor(in.message(), field);
      } else {
        in.skip(tag & 7);
      }
    }
    if (row == null) {
      throw new IllegalStateException("features['values'] holds no numeric tensor");
    }
    return row;
  }

  private static Row tensor(Reader in, int kind) {
    FloatList values = new FloatList();
    LongList keys = new LongList();
    LongList shape = new LongList();
    boolean hasKeys = false;
    while (in.more()) {
      int tag = (int) in.varint();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == 1) {
        Reader packed = wire == 2 ? in.message() : null;
        Reader src = packed == null ? in : packed;
        do {
          values.add(switch (kind) {
            case 2 -> Float.intBitsToFloat(src.fixed32());
            case 3 -> (float) Double.longBitsToDouble(src.fixed64());
            default -> (float) (int) src.varint();
          });
        } while (packed != null && packed.more());
      } else if (field == 2 || field == 3) {
        hasKeys |= field == 2;
        LongList target = field == 2 ? keys : shape;
        Reader packed = wire == 2 ? in.message() : null;
        Reader src = packed == null ? in : packed;
        do {
          target.add(src.varint());
        } while (packed != null && packed.more());
      } else {
        in.skip(wire);
      }
    }
    long width = shape.size > 0 ? shape.data[0] : 0;
    return new Row(values.toArray(), hasKeys ? keys.toArray() : null, width);
  }

  private static int intLe(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
  }

  /** A cursor over one protobuf message. */
  private static final class Reader {
    private final byte[] b;
    private int pos;
    private final int end;

    Reader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte x = next();
        result |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return result;
        }
      }
      throw new IllegalStateException("malformed varint at byte " + pos);
    }

    int fixed32() {
      int v = intLe(b, check(4));
      return v;
    }

    long fixed64() {
      int at = check(8);
      return (intLe(b, at) & 0xffffffffL) | (long) intLe(b, at + 4) << 32;
    }

    Reader message() {
      int length = Math.toIntExact(varint());
      int at = check(length);
      return new Reader(b, at, at + length);
    }

    String string() {
      Reader r = message();
      return new String(b, r.pos, r.end - r.pos, java.nio.charset.StandardCharsets.UTF_8);
    }

    void skip(int wire) {
      switch (wire) {
        case 0 -> varint();
        case 1 -> check(8);
        case 2 -> message();
        case 5 -> check(4);
        default -> throw new IllegalStateException("unsupported wire type " + wire + " at byte " + pos);
      }
    }

    private byte next() {
      if (pos >= end) {
        throw new IllegalStateException("truncated at byte " + pos);
      }
      return b[pos++];
    }

    private int check(int n) {
      if (n < 0 || end - pos < n) {
        throw new IllegalStateException("truncated at byte " + pos);
      }
      int at = pos;
      pos += n;
      return at;
    }
  }

  private static final class FloatList {
    float[] data = new float[16];
    int size;

    void add(float v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }

    float[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }

  private static final class LongList {
    long[] data = new long[4];
    int size;

    void add(long v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }

    long[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}
