package io.github.xgbcontainer.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * JSON text to Jackson's tree and plain documents (maps, lists, arrays, strings, numbers) to JSON
 * text, with jackson-core's streaming parser and generator and no {@code ObjectMapper}.
 *
 * <p>The trees and the bytes are those {@code ObjectMapper.readTree} and {@code writeValueAsBytes}
 * give (tests compare them). The mapper's serializer and deserializer machinery is about 450 of
 * Jackson's 500 classes: constructing the first mapper took 0.15-0.25 s of CPU at the start of
 * every training job, before a byte of data was read, and the job's few small JSON files need none
 * of it.
 */
public final class JsonText {

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonText() {}

  /**
   * The first JSON value of {@code text} as a tree, as {@code ObjectMapper.readTree} reads it (what
   * follows the value is not read); a missing node when the text holds no value, only white space.
   */
  public static JsonNode parse(String text) throws JsonProcessingException {
    try (JsonParser parser = FACTORY.createParser(text)) {
      return parse(parser);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException("reading a string cannot fail", e);
    }
  }

  /** As {@link #parse(String)}, from UTF-8 (or UTF-16/32, detected as Jackson does) bytes. */
  public static JsonNode parse(byte[] bytes) throws IOException {
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      return parse(parser);
    }
  }

  private static JsonNode parse(JsonParser parser) throws IOException {
    JsonToken first = parser.nextToken();
    return first == null ? NODES.missingNode() : value(parser, first);
  }

  private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT: {
        ObjectNode object = NODES.objectNode();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
          String name = parser.currentName();
          object.set(name, value(parser, parser.nextToken()));
        }
        return object;
      }
      case START_ARRAY: {
        ArrayNode array = NODES.arrayNode();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          array.add(value(parser, t));
        }
        return array;
      }
      case VALUE_STRING:
        return NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT:
        return switch (parser.getNumberType()) {
          case INT -> NODES.numberNode(parser.getIntValue());
          case LONG -> NODES.numberNode(parser.getLongValue());
          default -> NODES.numberNode(parser.getBigIntegerValue());
        };
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new IllegalStateException("unexpected JSON token " + token + " at " + parser.currentLocation());
    }
  }

  /** {@code doc} as indented JSON, as an {@code ObjectMapper} with {@code INDENT_OUTPUT} writes it. */
  public static byte[] pretty(Object doc) {
    return write(doc, true).toByteArray();
  }

  /** {@code doc} as JSON on one line. */
  public static String compact(Object doc) {
    return write(doc, false).toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static ByteArrayOutputStream write(Object doc, boolean indent) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      if (indent) {
        generator.useDefaultPrettyPrinter();
      }
      write(generator, doc);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory cannot fail", e);
    }
    return out;
  }

  /**
   * Maps (keys as text), iterables, arrays, text, numbers, booleans, null and trees; anything else
   * is a programming error, refused rather than written some other way than the mapper would.
   */
  private static void write(JsonGenerator g, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof CharSequence text) {
      g.writeString(text.toString());
    } else if (value instanceof JsonNode node) {
      writeTree(g, node); // before Iterable: a tree iterates over its values only
    } else if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (value instanceof Iterable<?> items) {
      g.writeStartArray();
      for (Object item : items) {
        write(g, item);
      }
      g.writeEndArray();
    } else if (value instanceof Object[] items) {
      g.writeStartArray();
      for (Object item : items) {
        write(g, item);
      }
      g.writeEndArray();
    } else if (value instanceof double[] numbers) {
      g.writeArray(numbers, 0, numbers.length);
    } else if (value instanceof int[] numbers) {
      g.writeArray(numbers, 0, numbers.length);
    } else if (value instanceof long[] numbers) {
      g.writeArray(numbers, 0, numbers.length);
    } else if (value instanceof Double d) {
      g.writeNumber(d);
    } else if (value instanceof Float f) {
      g.writeNumber(f);
    } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      g.writeNumber(((Number) value).intValue());
    } else if (value instanceof Long l) {
      g.writeNumber(l);
    } else if (value instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (value instanceof BigInteger i) {
      g.writeNumber(i);
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else {
      throw new IllegalArgumentException("JsonText writes maps, lists, arrays, text, numbers and booleans, not "
          + value.getClass().getName());
    }
  }

  private static void writeTree(JsonGenerator g, JsonNode node) throws IOException {
    if (node.isObject()) {
      g.writeStartObject();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        g.writeFieldName(e.getKey());
        writeTree(g, e.getValue());
      }
      g.writeEndObject();
    } else if (node.isArray()) {
      g.writeStartArray();
      for (JsonNode item : node) {
        writeTree(g, item);
      }
      g.writeEndArray();
    } else if (node.isNumber()) {
      write(g, node.numberValue());
    } else if (node.isBoolean()) {
      g.writeBoolean(node.booleanValue());
    } else if (node.isTextual()) {
      g.writeString(node.textValue());
    } else {
      g.writeNull();
    }
  }
}
