package io.github.xgbcontainer.output;

import io.github.xgbcontainer.output.ModelDocument.Malformed;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The project's one UBJSON decoder (https://ubjson.org), for XGBoost models: read into values that
 * keep every value's type marker, so that a document read and written unchanged is the same bytes
 * (the rewriter needs that), and read with every size bounded by the bytes actually present, so
 * that a damaged file cannot make it allocate more than about its own size (the validator needs
 * that). Objects become {@code LinkedHashMap<String, Object>}, strings {@code String}, arrays of
 * mixed values {@link Array}, arrays of one numeric type (tree nodes, leaf values)
 * {@link TypedArray} with their big-endian bytes untouched, and other scalars {@link Scalar}.
 * Jackson has no UBJSON format, and going through JSON text would lose the array types XGBoost's
 * loaders rely on for speed.
 *
 * <p>Only the forms XGBoost writes are accepted (objects with length-prefixed keys, plain, counted
 * and typed arrays; no no-op markers, no char or huge-number type), at most
 * {@link ModelDocument#MAX_DEPTH} levels deep, so whatever passes reads the same in XGBoost's own
 * parser.
 *
 * @see <a href="https://ubjson.org/type-reference/">UBJSON type reference</a>
 */
final class Ubjson {

  private final byte[] bytes;
  private int pos;

  private Ubjson(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A scalar other than a string: its type marker and its big-endian payload (empty for T, F, Z). */
  record Scalar(char marker, byte[] payload) {

    /** The value of an integer scalar. */
    long longValue() {
      return readInteger(marker, ByteBuffer.wrap(payload));
    }

    /** The value as plain Java: {@code Long}, {@code Double}, {@code Boolean}, or null for Z. */
    Object value() {
      return switch (marker) {
        case 'T' -> Boolean.TRUE;
        case 'F' -> Boolean.FALSE;
        case 'Z' -> null;
        case 'd' -> (double) ByteBuffer.wrap(payload).getFloat();
        case 'D' -> ByteBuffer.wrap(payload).getDouble();
        default -> longValue();
      };
    }

    boolean isNumber() {
      return marker != 'T' && marker != 'F' && marker != 'Z';
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

    /** Every value as a double (floats widened, integers converted). */
    double[] doubles() {
      double[] out = new double[count];
      ByteBuffer b = ByteBuffer.wrap(data);
      for (int i = 0; i < count; i++) {
        out[i] = switch (marker) {
          case 'd' -> b.getFloat();
          case 'D' -> b.getDouble();
          default -> readInteger(marker, b);
        };
      }
      return out;
    }
  }

  /**
   * Parses a whole document.
   *
   * @throws Malformed naming the byte offset where the file stops being a model XGBoost wrote
   */
  static Object read(byte[] bytes) throws Malformed {
    Ubjson reader = new Ubjson(bytes);
    Object value = reader.value(reader.marker(), 0);
    if (reader.pos != bytes.length) {
      throw new Malformed("byte offset " + reader.pos + ": " + (bytes.length - reader.pos)
          + " bytes after the end of the model");
    }
    return value;
  }

  /**
   * {@code value} as plain Java, one level deep, for readers that do not care how it was written:
   * scalars as {@code Long}, {@code Double}, {@code Boolean} or null; arrays whose values are all
   * numbers (and empty ones) as {@code double[]}; other arrays as the {@code List} of their items;
   * objects and strings as they are.
   */
  static Object plain(Object value) {
    if (value instanceof Scalar scalar) {
      return scalar.value();
    }
    if (value instanceof TypedArray typed) {
      return typed.doubles();
    }
    if (value instanceof Array array) {
      List<Object> items = array.items();
      double[] numbers = new double[items.size()];
      for (int i = 0; i < numbers.length; i++) {
        if (!(items.get(i) instanceof Scalar scalar && scalar.isNumber())) {
          return items;
        }
        numbers[i] = ((Number) scalar.value()).doubleValue();
      }
      return numbers;
    }
    return value;
  }

  /** Writes a document as XGBoost does: lengths and counts as int64 ('L'), objects closed by '}'. */
  static byte[] write(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    writeValue(out, value);
    return out.toByteArray();
  }

  private byte marker() throws Malformed {
    need(1);
    return bytes[pos++];
  }

  private void need(long n) throws Malformed {
    if (n > bytes.length - pos) {
      throw new Malformed("byte offset " + pos + ": the file ends " + (n == 1 ? "here" : "within "
          + n + " bytes") + " (" + (bytes.length - pos) + " left), in the middle of a value");
    }
  }

  private byte[] take(int n) throws Malformed {
    need(n);
    pos += n;
    return Arrays.copyOfRange(bytes, pos - n, pos);
  }

  private Object value(byte marker, int depth) throws Malformed {
    if (depth > ModelDocument.MAX_DEPTH) {
      throw new Malformed("byte offset " + pos + ": nested deeper than " + ModelDocument.MAX_DEPTH + " levels");
    }
    return switch (marker) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case 'S' -> text(marker());
      case 'T', 'F', 'Z' -> new Scalar((char) marker, new byte[0]);
      case 'i', 'U', 'I', 'l', 'L', 'd', 'D' -> new Scalar((char) marker, take(width((char) marker)));
      default -> throw new Malformed("byte offset " + (pos - 1) + ": '" + printable(marker)
          + "' is not a UBJSON value marker");
    };
  }

  private Map<String, Object> object(int depth) throws Malformed {
    Map<String, Object> map = new LinkedHashMap<>();
    while (true) {
      byte marker = marker();
      if (marker == '}') {
        return map;
      }
      String key = text(marker);
      Object value = value(marker(), depth + 1);
      if (map.put(key, value) != null) {
        throw new Malformed("byte offset " + pos + ": key '" + key + "' appears twice in one object");
      }
    }
  }

  private Object array(int depth) throws Malformed {
    int start = pos - 1;
    byte marker = marker();
    byte type = 0;
    if (marker == '$') {
      type = marker();
      marker = marker();
      if (marker != '#') {
        throw new Malformed("byte offset " + (pos - 1) + ": a typed array needs a count ('#')");
      }
    }
    if (marker == '#') {
      long count = length(marker());
      if (type != 0) {
        return typed(type, count, start);
      }
      // Every element takes at least one byte.
      need(count);
      List<Object> items = new ArrayList<>((int) count);
      for (long i = 0; i < count; i++) {
        items.add(value(marker(), depth + 1));
      }
      return new Array(items, true);
    }
    List<Object> items = new ArrayList<>();
    while (marker != ']') {
      items.add(value(marker, depth + 1));
      marker = marker();
    }
    return new Array(items, false);
  }

  private TypedArray typed(byte type, long count, int start) throws Malformed {
    int size = switch (type) {
      case 'i', 'U', 'I', 'l', 'L', 'd', 'D' -> width((char) type);
      default -> throw new Malformed("byte offset " + (pos - 1) + ": '" + printable(type)
          + "' is not a type XGBoost writes in a typed array");
    };
    if (count > (bytes.length - pos) / size) {
      throw new Malformed("byte offset " + start + ": an array of " + count + " values of " + size
          + " bytes, but only " + (bytes.length - pos) + " bytes are left in the file");
    }
    return new TypedArray((char) type, (int) count, take((int) count * size));
  }

  private String text(byte lengthMarker) throws Malformed {
    int at = pos - 1;
    long length = length(lengthMarker);
    need(length);
    try {
      String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, pos, (int) length)).toString();
      pos += (int) length;
      return s;
    } catch (CharacterCodingException e) {
      throw new Malformed("byte offset " + at + ": a string that is not UTF-8");
    }
  }

  private long length(byte marker) throws Malformed {
    int at = pos - 1;
    if (marker != 'i' && marker != 'U' && marker != 'I' && marker != 'l' && marker != 'L') {
      throw new Malformed("byte offset " + at + ": '" + printable(marker) + "' is not a length marker");
    }
    long length = readInteger((char) marker, ByteBuffer.wrap(take(width((char) marker))));
    if (length < 0 || length > bytes.length) {
      throw new Malformed("byte offset " + at + ": a length of " + length + " in a file of "
          + bytes.length + " bytes");
    }
    return length;
  }

  private static String printable(byte b) {
    return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("0x%02X", b & 0xff);
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
      case 'i', 'U' -> 1;
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
