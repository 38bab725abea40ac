package io.github.xgbcontainer.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.json.JsonText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the JSON files under {@code input/config}, with errors that name the file and position, and
 * writes them as SageMaker does (indented, one newline at the end).
 */
public final class JsonFiles {

  private JsonFiles() {}

  /** Parses a JSON file; a syntax error is the user's, an unreadable file the platform's. */
  public static JsonNode read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (java.nio.charset.CharacterCodingException e) {
      // found by fuzzing: bytes that are not UTF-8 are the file's fault, not the platform's
      throw new UserError(file + " is not UTF-8 text: JSON files must be UTF-8", e);
    } catch (IOException e) {
      throw new PlatformError("cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      JsonNode node = JsonText.parse(text);
      if (node.isMissingNode()) {
        throw new UserError(file + " is empty: it must hold a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new UserError(file + " is not valid JSON (line " + (loc == null ? "?" : loc.getLineNr())
          + ", column " + (loc == null ? "?" : loc.getColumnNr()) + "): " + e.getOriginalMessage(), e);
    }
  }

  /** Writes a JSON file. */
  public static void write(Path file, JsonNode node) throws IOException {
    byte[] json = JsonText.pretty(node);
    byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
    line[json.length] = '\n';
    Files.write(file, line);
  }

  /** Writes {@code hyperparameters.json}: every value a string, as {@link #readStringMap} reads them. */
  public static void writeStringMap(Path file, Map<String, String> values) throws IOException {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    values.forEach(node::put);
    write(file, node);
  }

  /**
   * Reads {@code hyperparameters.json}: an object whose values SageMaker writes as strings. Numbers
   * and booleans written by hand are taken as their text. A missing file means no hyperparameters.
   */
  public static Map<String, String> readStringMap(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    JsonNode root = read(file);
    if (!root.isObject()) {
      throw new UserError(file + " must hold a JSON object of hyperparameters, e.g. {\"num_round\": \"10\"}");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isContainerNode()) {
        throw new UserError(file + ": hyperparameter '" + e.getKey() + "' must be a string, not " + v);
      }
      out.put(e.getKey(), v.isNull() ? "" : v.asText());
    }
    return out;
  }
}
