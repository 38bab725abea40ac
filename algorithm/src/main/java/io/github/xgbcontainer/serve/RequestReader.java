package io.github.xgbcontainer.serve;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.data.Batch;
import io.github.xgbcontainer.data.NumberSyntax;
import io.github.xgbcontainer.data.PayloadParser;
import io.github.xgbcontainer.data.recordio.ProtobufPayloadParser;
import io.github.xgbcontainer.error.UserError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a request body of one content type into {@link Rows}. CSV, LibSVM and RecordIO-protobuf go
 * through the parsers that read training channels ({@code data}, {@code data.recordio}); JSON and
 * JSON Lines are read here.
 */
final class RequestReader {

  private static final ObjectMapper JSON = new ObjectMapper();

  private RequestReader() {}

  /**
   * Parses the body.
   *
   * @return the rows, or {@code null} when the body holds none (only blank lines)
   * @throws UserError naming the row and what is wrong with it
   */
  static Rows read(ContentType type, byte[] body) {
    Rows rows = switch (type) {
      case CSV -> fromBatch(PayloadParser.csv(body, body.length));
      case LIBSVM -> fromBatch(PayloadParser.libsvm(body, body.length));
      case JSON -> json(body);
      case JSON_LINES -> jsonLines(body);
      case RECORDIO_PROTOBUF -> fromBatch(ProtobufPayloadParser.parse(body, body.length));
      case PARQUET -> throw new IllegalStateException("ContentType.ofRequest refuses Parquet");
    };
    if (rows != null) {
      refuseInfinite(rows);
    }
    return rows;
  }

  /**
   * Every format reads {@code inf} (and numbers past the float range become it), but XGBoost
   * refuses infinite values in a DMatrix, which sparse rows and contributions go through: one
   * rule for all, a 400 naming the first, instead of an answer for dense rows and a 500 for sparse.
   */
  private static void refuseInfinite(Rows rows) {
    float[] values = rows.values();
    for (int k = 0; k < values.length; k++) {
      if (Float.isInfinite(values[k])) {
        String where;
        if (rows.isDense()) {
          where = "row " + (k / rows.columns() + 1) + ", feature " + (k % rows.columns() + 1);
        } else {
          int row = 0;
          while (rows.indptr()[row + 1] <= k) {
            row++;
          }
          where = "row " + (row + 1) + ", feature index " + rows.indices()[k];
        }
        throw new UserError(where + ": " + (values[k] > 0 ? "inf" : "-inf") + " is not a finite number (or is"
            + " beyond the float range), perhaps you should send a missing value instead (XGBoost takes no"
            + " infinite feature values)");
      }
    }
  }

  private static Rows fromBatch(Batch batch) {
    if (batch == null) {
      return null;
    }
    try (batch) {
      if (batch.isDense()) {
        float[] values = new float[batch.rows() * batch.columns()];
        batch.values().get(values);
        return Rows.dense(batch.rows(), batch.columns(), values);
      }
      long[] indptr = new long[batch.rows() + 1];
      batch.indptr().get(indptr);
      int[] indices = new int[(int) indptr[batch.rows()]];
      batch.indices().get(indices);
      float[] values = new float[indices.length];
      batch.values().get(values);
      return new Rows(batch.rows(), batch.columns(), values, indptr, indices);
    }
  }

  /**
   * {@code {"instances": [{"features": [...]}, ...]}} (SageMaker's JSON inference format), or
   * {@code {"instances": [[...], ...]}}, {@code {"features": [...]}}, a bare list of rows, or
   * one bare row.
   */
  private static Rows json(byte[] body) {
    JsonNode root = parseJson(body, "the body");
    if (root.isObject()) {
      if (root.has("instances")) {
        JsonNode instances = root.get("instances");
        if (!instances.isArray()) {
          throw new UserError("'instances' is not a list, perhaps you should send"
              + " {\"instances\": [{\"features\": [1.5, 2.0]}]}");
        }
        return rows(instances, "instance");
      }
      if (root.has("features")) {
        return denseRows(List.of(features(root, "instance 1")), "instance");
      }
    } else if (root.isArray()) {
      if (root.isEmpty()) {
        return null;
      }
      if (root.get(0).isArray() || root.get(0).isObject()) {
        return rows(root, "instance");
      }
      return denseRows(List.of(features(root, "instance 1")), "instance");
    }
    throw new UserError("the JSON body has neither 'instances' nor 'features', perhaps you should send"
        + " {\"instances\": [{\"features\": [1.5, 2.0]}]} or a list of rows [[1.5, 2.0]]");
  }

  /** One JSON value per line: a row {@code [...]} or {@code {"features": [...]}}. */
  private static Rows jsonLines(byte[] body) {
    List<float[]> rows = new ArrayList<>();
    String text = new String(body, StandardCharsets.UTF_8);
    int line = 0;
    for (String each : text.split("\n", -1)) {
      line++;
      if (each.isBlank()) {
        continue;
      }
      JsonNode node = parseJson(each.getBytes(StandardCharsets.UTF_8), "line " + line);
      rows.add(features(node, "line " + line));
    }
    return rows.isEmpty() ? null : denseRows(rows, "line");
  }

  private static Rows rows(JsonNode list, String noun) {
    List<float[]> rows = new ArrayList<>(list.size());
    int i = 0;
    for (JsonNode row : list) {
      i++;
      rows.add(features(row, noun + " " + i));
    }
    return rows.isEmpty() ? null : denseRows(rows, noun);
  }

  private static float[] features(JsonNode row, String where) {
    JsonNode list = row.isObject() ? row.get("features") : row;
    if (list == null || !list.isArray()) {
      throw new UserError(where + ": expected a list of numbers or {\"features\": [...]}, found "
          + snippet(row.toString()));
    }
    float[] values = new float[list.size()];
    for (int j = 0; j < values.length; j++) {
      JsonNode v = list.get(j);
      if (v.isNumber()) {
        values[j] = v.floatValue();
      } else if (v.isNull()) {
        values[j] = Float.NaN;
      } else {
        try {
          values[j] = v.isTextual() ? NumberSyntax.parseFloat(v.textValue().strip()) : fail();
        } catch (NumberFormatException e) {
          throw new UserError(where + ", feature " + (j + 1) + ": " + snippet(v.toString())
              + " is not a number (use null for a missing value)");
        }
      }
    }
    return values;
  }

  private static float fail() {
    throw new NumberFormatException();
  }

  private static Rows denseRows(List<float[]> rows, String noun) {
    int columns = rows.get(0).length;
    float[] values = new float[rows.size() * columns];
    for (int i = 0; i < rows.size(); i++) {
      float[] row = rows.get(i);
      if (row.length != columns) {
        throw new UserError(noun + " " + (i + 1) + " has " + row.length + " features but " + noun
            + " 1 has " + columns + ", perhaps you should give every row the same features");
      }
      System.arraycopy(row, 0, values, i * columns, columns);
    }
    return Rows.dense(rows.size(), columns, values);
  }

  /**
   * Parses exactly one JSON value: text after it (a second document, a stray word) is refused
   * rather than dropped, so no row of a request goes unanswered without a word.
   */
  private static JsonNode parseJson(byte[] body, String where) {
    try (JsonParser parser = JSON.createParser(body)) {
      JsonNode root = JSON.readTree(parser);
      if (root == null) {
        root = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
      }
      JsonLocation at;
      try {
        at = parser.nextToken() == null ? null : parser.currentTokenLocation();
      } catch (JsonProcessingException e) {
        at = e.getLocation() == null ? parser.currentLocation() : e.getLocation();
      }
      if (at != null) {
        throw new UserError(where + " holds more than one JSON value: text follows the first at line "
            + at.getLineNr() + ", column " + at.getColumnNr() + ", perhaps you should send one JSON document"
            + (where.startsWith("line") ? " per line" : " (several rows go in one list, or in application/jsonlines)"));
      }
      return root;
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      int extra = message.indexOf(" (start marker");
      message = (extra < 0 ? message : message.substring(0, extra)).lines().findFirst().orElse("");
      String at = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new UserError(where + " is not valid JSON" + at + ": " + message);
    } catch (java.io.IOException e) {
      throw new UserError(where + " cannot be read: " + e.getMessage());
    }
  }

  private static String snippet(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }
}
