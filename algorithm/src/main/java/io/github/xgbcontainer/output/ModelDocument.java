package io.github.xgbcontainer.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An XGBoost model file (JSON or UBJSON) decoded with every size bounded by the bytes actually
 * present, so a damaged file cannot make the decoder allocate more than a small multiple of its own
 * size. UBJSON goes through the project's one UBJSON decoder, {@link Ubjson}, into its values (they
 * keep each value's type marker; {@link Ubjson#plain} reads them as plain Java); JSON goes through
 * Jackson into plain values: objects are {@link Map}s, arrays of numbers {@code double[]}, other
 * arrays {@link List}s, and strings, numbers ({@link Double} or {@link Long}), booleans and
 * {@code null}.
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

  /** Decodes {@code bytes} as JSON when they start like a JSON object, as UBJSON otherwise. */
  static Object read(byte[] bytes) throws Malformed {
    return isJson(bytes) ? json(bytes) : Ubjson.read(bytes);
  }

  private static boolean isJson(byte[] bytes) {
    int i = 0;
    while (i < bytes.length && Character.isWhitespace(bytes[i])) {
      i++;
    }
    int j = i + 1;
    while (j < bytes.length && Character.isWhitespace(bytes[j])) {
      j++;
    }
    return i < bytes.length && bytes[i] == '{' && j < bytes.length && (bytes[j] == '"' || bytes[j] == '}');
  }

  /** Decodes JSON. */
  private static Object json(byte[] bytes) throws Malformed {
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
}
