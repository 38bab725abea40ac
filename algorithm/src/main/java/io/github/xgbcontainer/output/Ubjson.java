package io.github.xgbcontainer.output;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A UBJSON document as XGBoost writes its models (https://ubjson.org), read into plain values and
 * written back byte for byte: objects become {@code LinkedHashMap<String, Object>}, strings
 * {@code String}, arrays of mixed values {@link Array}, arrays of one numeric type (tree nodes,
 * leaf values) {@link TypedArray} with their big-endian bytes untouched, and other scalars
 * {@link Scalar}. Jackson has no UBJSON format, and going through JSON text would lose the array
 * types XGBoost's loaders rely on for speed; keeping every value's marker means that a document
 * read and written unchanged is the same bytes.
 */
final class Ubjson {

  private Ubjson() {}

  /** A scalar other than a string: its type marker and its big-endian payload (empty for T, F, Z). */
  record Scalar(char marker, byte[] payload) {

    /** The value of an integer scalar. */
    long longValue() {
      return readInteger(marker, ByteBuffer.wrap(payload));
    }
  }

  /** An array of mixed values; {@code counted} when it was written with a {@code #} count and no {@code ]}. */
  record Array(List<Object> items, boolean counted) {}

  /** An array of one numeric type ({@code $} marker): {@code count} values, big-endian, in {@code data}. */
  record TypedArray(char marker, int count, byte[] data) {

    TypedArray {
      if (data.length != count * width(marker)) {
        throw new IllegalArgumentException(count + " values of type " + marker + " need "
            + count * width(marker) + " bytes, not " + data.length);
      }
    }

    float getFloat(int i) {
      return ByteBuffer.wrap(data).getFloat(i * 4);
    }

    void setFloat(int i, float v) {
      ByteBuffer.wrap(data).putFloat(i * 4, v);
    }

    long getLong(int i) {
      int w = width(marker);
      ByteBuffer b = ByteBuffer.wrap(data, i * w, w);
      return readInteger(marker, b);
    }
  }

  /** Parses a whole document; throws {@link IllegalArgumentException} on anything malformed. */
  static Object read(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      Object value = readValue(in, (char) in.get());
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes after the document");
      }
      return value;
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("the UBJSON document ends early", e);
    }
  }

  /** Writes a document as XGBoost does: lengths and counts as int64 ('L'), objects closed by '}'. */
  static byte[] write(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    writeValue(out, value);
    return out.toByteArray();
  }

  private static Object readValue(ByteBuffer in, char marker) {
    switch (marker) {
      case '{':
        return readObject(in);
      case '[':
        return readArray(in);
      case 'S':
        return readString(in);
      case 'Z': case 'T': case 'F':
        return new Scalar(marker, new byte[0]);
      default:
        byte[] payload = new byte[width(marker)];
        in.get(payload);
        return new Scalar(marker, payload);
    }
  }

  private static Map<String, Object> readObject(ByteBuffer in) {
    Map<String, Object> object = new LinkedHashMap<>();
    while (true) {
      char marker = (char) in.get();
      if (marker == '}') {
        return object;
      }
      String key = readString(in, marker);
      object.put(key, readValue(in, (char) in.get()));
    }
  }

  private static Object readArray(ByteBuffer in) {
    char marker = (char) in.get();
    if (marker == '$') {
      char type = (char) in.get();
      if (in.get() != '#') {
        throw new IllegalArgumentException("a typed array without a count at byte " + (in.position() - 1));
      }
      int count = length(in, (char) in.get());
      byte[] data = new byte[count * width(type)];
      in.get(data);
      return new TypedArray(type, count, data);
    }
    List<Object> items = new ArrayList<>();
    if (marker == '#') {
      int count = length(in, (char) in.get());
      for (int i = 0; i < count; i++) {
        items.add(readValue(in, (char) in.get()));
      }
      return new Array(items, true);
    }
    while (marker != ']') {
      items.add(readValue(in, marker));
      marker = (char) in.get();
    }
    return new Array(items, false);
  }

  private static String readString(ByteBuffer in) {
    return readString(in, (char) in.get());
  }

  private static String readString(ByteBuffer in, char lengthMarker) {
    byte[] bytes = new byte[length(in, lengthMarker)];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static int length(ByteBuffer in, char marker) {
    long n = readInteger(marker, in);
    if (n < 0 || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("length " + n + " at byte " + in.position() + " is out of range");
    }
    return (int) n;
  }

  private static long readInteger(char marker, ByteBuffer in) {
    return switch (marker) {
      case 'i' -> in.get();
      case 'U' -> in.get() & 0xFF;
      case 'I' -> in.getShort();
      case 'l' -> in.getInt();
      case 'L' -> in.getLong();
      default -> throw new IllegalArgumentException("'" + marker + "' is not an integer type marker");
    };
  }

  private static int width(char marker) {
    return switch (marker) {
      case 'i', 'U', 'C' -> 1;
      case 'I' -> 2;
      case 'l', 'd' -> 4;
      case 'L', 'D' -> 8;
      default -> throw new IllegalArgumentException("unknown UBJSON type marker '" + marker + "'");
    };
  }

  @SuppressWarnings("unchecked")
  private static void writeValue(ByteArrayOutputStream out, Object value) {
    if (value instanceof Map<?, ?> map) {
      out.write('{');
      for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
        writeLength(out, e.getKey().getBytes(StandardCharsets.UTF_8));
        writeValue(out, e.getValue());
      }
      out.write('}');
    } else if (value instanceof String s) {
      out.write('S');
      writeLength(out, s.getBytes(StandardCharsets.UTF_8));
    } else if (value instanceof Array array) {
      out.write('[');
      if (array.counted()) {
        out.write('#');
        writeLong(out, array.items().size());
      }
      for (Object item : array.items()) {
        writeValue(out, item);
      }
      if (!array.counted()) {
        out.write(']');
      }
    } else if (value instanceof TypedArray typed) {
      out.write('[');
      out.write('$');
      out.write(typed.marker());
      out.write('#');
      writeLong(out, typed.count());
      out.writeBytes(typed.data());
    } else if (value instanceof Scalar scalar) {
      out.write(scalar.marker());
      out.writeBytes(scalar.payload());
    } else {
      throw new IllegalArgumentException("not a UBJSON value: " + value);
    }
  }

  private static void writeLength(ByteArrayOutputStream out, byte[] bytes) {
    writeLong(out, bytes.length);
    out.writeBytes(bytes);
  }

  private static void writeLong(ByteArrayOutputStream out, long n) {
    out.write('L');
    out.writeBytes(ByteBuffer.allocate(8).putLong(n).array());
  }
}
