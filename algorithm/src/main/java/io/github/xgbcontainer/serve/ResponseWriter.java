package io.github.xgbcontainer.serve;

import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.data.recordio.ProtobufResponseWriter;
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
 *   <li>{@code application/x-recordio-protobuf}: one framed {@code Record} per row, each key a
 *       float32 tensor under {@code label} ({@code label["score"]}).
 * </ul>
 *
 * Numbers are written as the shortest text that reads back as the same {@code float}; NaN is
 * {@code nan} in CSV and {@code null} in JSON.
 */
final class ResponseWriter {

  private ResponseWriter() {}

  /**
   * The answer's type for an {@code Accept} header: the first supported type of its list
   * (parameters and {@code q} ignored); a missing header and {@code *}{@code /*} mean
   * {@code fallback} ({@code SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT}, else CSV, as in the official
   * image), {@code text/*} CSV and {@code application/*} JSON.
   *
   * @return the type, or {@code null} when none is supported
   */
  static ContentType ofAccept(String header, ContentType fallback) {
    if (header == null || header.isBlank()) {
      return fallback;
    }
    for (String part : header.split(",")) {
      String mime = ContentType.mediaType(part);
      switch (mime) {
        case "*/*", "" -> {
          return fallback;
        }
        case "text/*" -> {
          return ContentType.CSV;
        }
        case "application/*" -> {
          return ContentType.JSON;
        }
        default -> {
          ContentType type = ContentType.ofResponse(mime);
          if (type != null) {
            return type;
          }
        }
      }
    }
    return null;
  }

  /**
   * @param key the single key of each record ({@code score} or {@code contributions})
   * @param values one array per record
   */
  static byte[] values(ContentType type, String key, float[][] values) {
    if (type == ContentType.RECORDIO_PROTOBUF) {
      ProtobufResponseWriter records = new ProtobufResponseWriter(values.length);
      for (float[] row : values) {
        records.label(key, row).endRecord();
      }
      return records.toByteArray();
    }
    StringBuilder out = new StringBuilder(values.length * 24 + 32);
    if (type == ContentType.JSON) {
      out.append("{\"predictions\":[");
    }
    for (int i = 0; i < values.length; i++) {
      float[] row = values[i];
      switch (type) {
        case JSON, JSON_LINES -> {
          if (type == ContentType.JSON && i > 0) {
            out.append(',');
          }
          out.append("{\"").append(key).append("\":");
          if (row.length == 1 && !key.equals("contributions")) {
            jsonNumber(out, row[0]);
          } else {
            jsonList(out, row);
          }
          out.append('}');
          if (type == ContentType.JSON_LINES) {
            out.append('\n');
          }
        }
        default -> {
          for (int j = 0; j < row.length; j++) {
            if (j > 0) {
              out.append(',');
            }
            csvNumber(out, row[j]);
          }
          out.append('\n');
        }
      }
    }
    if (type == ContentType.JSON) {
      out.append("]}");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Records of the keys {@code SAGEMAKER_INFERENCE_OUTPUT} selects. */
  static byte[] selected(ContentType type, InferenceOutput output, float[][] predictions) {
    List<String> keys = output.keys();
    if (type == ContentType.RECORDIO_PROTOBUF) {
      ProtobufResponseWriter records = new ProtobufResponseWriter(predictions.length);
      for (float[] prediction : predictions) {
        for (String key : keys) {
          records.label(key, floats(output.value(key, prediction)));
        }
        records.endRecord();
      }
      return records.toByteArray();
    }
    StringBuilder out = new StringBuilder(predictions.length * 48 + 32);
    if (type == ContentType.JSON) {
      out.append("{\"predictions\":[");
    }
    for (int i = 0; i < predictions.length; i++) {
      if (type == ContentType.JSON && i > 0) {
        out.append(',');
      }
      if (type != ContentType.CSV) {
        out.append('{');
      }
      for (int k = 0; k < keys.size(); k++) {
        Object value = output.value(keys.get(k), predictions[i]);
        if (k > 0) {
          out.append(',');
        }
        if (type == ContentType.CSV) {
          csvValue(out, value);
        } else {
          out.append('"').append(keys.get(k)).append("\":");
          jsonValue(out, value);
        }
      }
      if (type != ContentType.CSV) {
        out.append('}');
      }
      if (type != ContentType.JSON) {
        out.append('\n');
      }
    }
    if (type == ContentType.JSON) {
      out.append("]}");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A selected key's value as the float32 tensor RecordIO-protobuf answers hold. */
  private static float[] floats(Object value) {
    if (value instanceof Integer n) {
      return new float[] {n};
    }
    if (value instanceof Float f) {
      return new float[] {f};
    }
    if (value instanceof int[] ints) {
      float[] out = new float[ints.length];
      for (int j = 0; j < ints.length; j++) {
        out[j] = ints[j];
      }
      return out;
    }
    return (float[]) value;
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
