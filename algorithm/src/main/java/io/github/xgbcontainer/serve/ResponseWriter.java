package io.github.xgbcontainer.serve;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes predictions for one {@code Accept} type, one record per input row, in input order.
 *
 * <ul>
 *   <li>{@code text/csv}: one line per record; a record with several values (softprob,
 *       contributions) is comma-joined; selected keys are comma-joined in the order named, a list
 *       as {@code "[0.1, 0.9]"} in quotes, as the official image writes them.
 *   <li>{@code application/json}: {@code {"predictions": [{"score": 0.5}, ...]}}.
 *   <li>{@code application/jsonlines}: one {@code {"score": 0.5}} per line.
 * </ul>
 *
 * Numbers are written as the shortest text that reads back as the same {@code float}; NaN is
 * {@code nan} in CSV and {@code null} in JSON.
 */
final class ResponseWriter {

  /** The response types, by the media type names they answer to. */
  enum ResponseType {
    CSV("text/csv"),
    JSON("application/json"),
    JSON_LINES("application/jsonlines");

    private final String mediaType;

    ResponseType(String mediaType) {
      this.mediaType = mediaType;
    }

    String mediaType() {
      return mediaType;
    }

    static String supported() {
      return "text/csv, application/json, application/jsonlines";
    }

    /**
     * The first supported type of an {@code Accept} header (a list, parameters and {@code q}
     * ignored); a missing header, {@code *}{@code /*} and {@code text/*} mean CSV.
     *
     * @return the type, or {@code null} when none is supported
     */
    static ResponseType ofAccept(String header) {
      if (header == null || header.isBlank()) {
        return CSV;
      }
      for (String part : header.split(",")) {
        String mime = RequestReader.mediaType(part);
        switch (mime) {
          case "text/csv", "*/*", "text/*", "" -> {
            return CSV;
          }
          case "application/json", "application/*" -> {
            return JSON;
          }
          case "application/jsonlines", "application/jsonl", "application/x-jsonlines" -> {
            return JSON_LINES;
          }
          default -> { }
        }
      }
      return null;
    }
  }

  private ResponseWriter() {}

  /**
   * @param key the single key of each record ({@code score} or {@code contributions})
   * @param values one array per record
   */
  static byte[] values(ResponseType type, String key, float[][] values) {
    StringBuilder out = new StringBuilder(values.length * 24 + 32);
    if (type == ResponseType.JSON) {
      out.append("{\"predictions\":[");
    }
    for (int i = 0; i < values.length; i++) {
      float[] row = values[i];
      switch (type) {
        case CSV -> {
          for (int j = 0; j < row.length; j++) {
            if (j > 0) {
              out.append(',');
            }
            csvNumber(out, row[j]);
          }
          out.append('\n');
        }
        case JSON, JSON_LINES -> {
          if (type == ResponseType.JSON && i > 0) {
            out.append(',');
          }
          out.append("{\"").append(key).append("\":");
          if (row.length == 1 && !key.equals("contributions")) {
            jsonNumber(out, row[0]);
          } else {
            jsonList(out, row);
          }
          out.append('}');
          if (type == ResponseType.JSON_LINES) {
            out.append('\n');
          }
        }
      }
    }
    if (type == ResponseType.JSON) {
      out.append("]}");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Records of the keys {@code SAGEMAKER_INFERENCE_OUTPUT} selects. */
  static byte[] selected(ResponseType type, InferenceOutput output, float[][] predictions) {
    List<String> keys = output.keys();
    StringBuilder out = new StringBuilder(predictions.length * 48 + 32);
    if (type == ResponseType.JSON) {
      out.append("{\"predictions\":[");
    }
    for (int i = 0; i < predictions.length; i++) {
      if (type == ResponseType.JSON && i > 0) {
        out.append(',');
      }
      if (type != ResponseType.CSV) {
        out.append('{');
      }
      for (int k = 0; k < keys.size(); k++) {
        Object value = output.value(keys.get(k), predictions[i]);
        if (k > 0) {
          out.append(',');
        }
        if (type == ResponseType.CSV) {
          csvValue(out, value);
        } else {
          out.append('"').append(keys.get(k)).append("\":");
          jsonValue(out, value);
        }
      }
      if (type != ResponseType.CSV) {
        out.append('}');
      }
      if (type != ResponseType.JSON) {
        out.append('\n');
      }
    }
    if (type == ResponseType.JSON) {
      out.append("]}");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void csvValue(StringBuilder out, Object value) {
    if (value instanceof Integer n) {
      out.append(n);
    } else if (value instanceof Float f) {
      csvNumber(out, f);
    } else {
      out.append("\"[");
      if (value instanceof int[] ints) {
        for (int j = 0; j < ints.length; j++) {
          out.append(j > 0 ? ", " : "").append(ints[j]);
        }
      } else {
        float[] floats = (float[]) value;
        for (int j = 0; j < floats.length; j++) {
          out.append(j > 0 ? ", " : "");
          csvNumber(out, floats[j]);
        }
      }
      out.append("]\"");
    }
  }

  private static void jsonValue(StringBuilder out, Object value) {
    if (value instanceof Integer n) {
      out.append(n);
    } else if (value instanceof Float f) {
      jsonNumber(out, f);
    } else if (value instanceof int[] ints) {
      out.append('[');
      for (int j = 0; j < ints.length; j++) {
        out.append(j > 0 ? "," : "").append(ints[j]);
      }
      out.append(']');
    } else {
      jsonList(out, (float[]) value);
    }
  }

  private static void jsonList(StringBuilder out, float[] row) {
    out.append('[');
    for (int j = 0; j < row.length; j++) {
      if (j > 0) {
        out.append(',');
      }
      jsonNumber(out, row[j]);
    }
    out.append(']');
  }

  private static void csvNumber(StringBuilder out, float v) {
    if (Float.isNaN(v)) {
      out.append("nan");
    } else {
      out.append(v);
    }
  }

  private static void jsonNumber(StringBuilder out, float v) {
    if (Float.isNaN(v) || Float.isInfinite(v)) {
      out.append("null");
    } else {
      out.append(v);
    }
  }
}
