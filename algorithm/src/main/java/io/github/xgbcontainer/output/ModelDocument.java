package io.github.xgbcontainer.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An XGBoost model file (JSON or UBJSON) decoded into plain values, with every size bounded by the
 * bytes actually present, so a damaged file cannot make the decoder allocate more than a small
 * multiple of its own size: objects are {@link Map}s, arrays of numbers {@code double[]}, other
 * arrays {@link List}s, and strings, numbers ({@link Double} or {@link Long}), booleans and
 * {@code null}.
 *
 * <p>The UBJSON decoder accepts only the forms XGBoost writes (objects with length-prefixed keys,
 * plain, counted and typed arrays; no no-op markers, no huge-number type), so whatever passes it
 * reads the same in XGBoost's own parser.
 *
 * @see <a href="https://ubjson.org/type-reference/">UBJSON type reference</a>
 */
final class ModelDocument {

  /** Deeper than any XGBoost model nests (about 8 levels); a damaged file cannot overflow the stack. */
  static final int MAX_DEPTH = 32;

  private ModelDocument() {}

  /** The reason a file does not decode, with the byte offset where it went wrong. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** Decodes UBJSON. */
  static Object ubjson(byte[] bytes) throws Malformed {
    Ubjson reader = new Ubjson(bytes);
    Object value = reader.value(reader.marker(), 0);
    if (reader.pos != bytes.length) {
      throw new Malformed("byte offset " + reader.pos + ": " + (bytes.length - reader.pos)
          + " bytes after the end of the model");
    }
    return value;
  }

  /** Decodes JSON. */
  static Object json(byte[] bytes) throws Malformed {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
            .maxNumberLength(64).build())
        .build();
    try (JsonParser parser = factory.createParser(bytes)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        throw new Malformed("the file is empty");
      }
      Object value = jsonValue(parser, token);
      if (parser.nextToken() != null) {
        throw new Malformed("byte offset " + parser.currentTokenLocation().getByteOffset()
            + ": more after the end of the model");
      }
      return value;
    } catch (IOException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new Malformed("not valid JSON: " + message);
    }
  }

  private static Object jsonValue(JsonParser parser, JsonToken token) throws IOException, Malformed {
    switch (token) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
          String key = parser.currentName();
          Object value = jsonValue(parser, parser.nextToken());
          if (map.put(key, value) != null) {
            throw new Malformed("key '" + key + "' appears twice in one object");
          }
        }
        return map;
      }
      case START_ARRAY -> {
        Values values = new Values();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          values.add(jsonValue(parser, t));
        }
        return values.result();
      }
      case VALUE_STRING -> {
        return parser.getText();
      }
      case VALUE_NUMBER_INT -> {
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          return parser.getDoubleValue();
        }
        return parser.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return parser.getDoubleValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new Malformed("unexpected " + token);
    }
  }

  /** Collects an array's elements: numbers into a {@code double[]} while they are all numbers. */
  private static final class Values {
    private double[] numbers = new double[8];
    private int count;
    private List<Object> others;

    void add(Object value) {
      if (others == null && value instanceof Number n) {
        if (count == numbers.length) {
          numbers = Arrays.copyOf(numbers, count * 2);
        }
        numbers[count++] = n.doubleValue();
        return;
      }
      if (others == null) {
        others = new ArrayList<>(count + 1);
        for (int i = 0; i < count; i++) {
          others.add(numbers[i]);
        }
      }
      others.add(value);
    }

    Object result() {
      return others != null ? others : Arrays.copyOf(numbers, count);
    }
  }

  private static final class Ubjson {
    private final byte[] bytes;
    int pos;

    Ubjson(byte[] bytes) {
      this.bytes = bytes;
    }

    byte marker() throws Malformed {
      need(1);
      return bytes[pos++];
    }

    private void need(long n) throws Malformed {
      if (n > bytes.length - pos) {
        throw new Malformed("byte offset " + pos + ": the file ends " + (n == 1 ? "here" : "within "
            + n + " bytes") + " (" + (bytes.length - pos) + " left), in the middle of a value");
      }
    }

    Object value(byte marker, int depth) throws Malformed {
      if (depth > MAX_DEPTH) {
        throw new Malformed("byte offset " + pos + ": nested deeper than " + MAX_DEPTH + " levels");
      }
      return switch (marker) {
        case '{' -> object(depth);
        case '[' -> array(depth);
        case 'S' -> string();
        case 'T' -> Boolean.TRUE;
        case 'F' -> Boolean.FALSE;
        case 'Z' -> null;
        case 'i', 'U', 'I', 'l', 'L' -> integer(marker);
        case 'd', 'D' -> real(marker);
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
        Values values = new Values();
        for (long i = 0; i < count; i++) {
          values.add(value(marker(), depth + 1));
        }
        return values.result();
      }
      Values values = new Values();
      while (marker != ']') {
        values.add(value(marker, depth + 1));
        marker = marker();
      }
      return values.result();
    }

    private double[] typed(byte type, long count, int start) throws Malformed {
      int size = switch (type) {
        case 'i', 'U' -> 1;
        case 'I' -> 2;
        case 'l', 'd' -> 4;
        case 'L', 'D' -> 8;
        default -> throw new Malformed("byte offset " + (pos - 1) + ": '" + printable(type)
            + "' is not a type XGBoost writes in a typed array");
      };
      if (count > (bytes.length - pos) / size) {
        throw new Malformed("byte offset " + start + ": an array of " + count + " values of " + size
            + " bytes, but only " + (bytes.length - pos) + " bytes are left in the file");
      }
      double[] values = new double[(int) count];
      for (int i = 0; i < count; i++) {
        values[i] = type == 'd' || type == 'D' ? ((Number) real(type)).doubleValue() : integer(type);
      }
      return values;
    }

    private String string() throws Malformed {
      return text(marker());
    }

    private String text(byte lengthMarker) throws Malformed {
      int at = pos - 1;
      long length = length(lengthMarker);
      need(length);
      try {
        String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(bytes, pos, (int) length)).toString();
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
      long length = integer(marker);
      if (length < 0 || length > bytes.length) {
        throw new Malformed("byte offset " + at + ": a length of " + length + " in a file of "
            + bytes.length + " bytes");
      }
      return length;
    }

    private long integer(byte marker) throws Malformed {
      switch (marker) {
        case 'i' -> {
          need(1);
          return bytes[pos++];
        }
        case 'U' -> {
          need(1);
          return bytes[pos++] & 0xff;
        }
        case 'I' -> {
          need(2);
          long v = (short) (((bytes[pos] & 0xff) << 8) | (bytes[pos + 1] & 0xff));
          pos += 2;
          return v;
        }
        case 'l' -> {
          need(4);
          long v = big(4);
          return (int) v;
        }
        default -> {
          need(8);
          return big(8);
        }
      }
    }

    private Double real(byte marker) throws Malformed {
      if (marker == 'd') {
        need(4);
        return (double) Float.intBitsToFloat((int) big(4));
      }
      need(8);
      return Double.longBitsToDouble(big(8));
    }

    private long big(int n) {
      long v = 0;
      for (int i = 0; i < n; i++) {
        v = (v << 8) | (bytes[pos++] & 0xff);
      }
      return v;
    }

    private static String printable(byte b) {
      return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("0x%02X", b & 0xff);
    }
  }
}
