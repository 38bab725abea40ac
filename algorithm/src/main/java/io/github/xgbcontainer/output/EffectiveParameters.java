package io.github.xgbcontainer.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.xgbcontainer.json.JsonText;
import io.github.xgbcontainer.matrix.NativeShim;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Every parameter XGBoost trained with, as its saved configuration lists them (the defaults it
 * chose and the estimated {@code base_score} included), flattened to name and value.
 *
 * @param values parameter name to value, in the configuration's order; a name that occurs in
 *     two sections is kept under its section path ({@code objective.reg_loss_param.scale_pos_weight})
 * @param source where the values come from: XGBoost's saved configuration, or only the model file
 *     where the native shim is missing
 * @param json the configuration as XGBoost saved it, or null where only the model was read
 */
public record EffectiveParameters(Map<String, String> values, String source, String json) {

  public EffectiveParameters {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    Objects.requireNonNull(source, "source");
  }

  /**
   * Reads the live booster's configuration through the native shim; without it, the model's own
   * parameters (objective, base_score, class and feature counts) from its JSON form.
   */
  public static EffectiveParameters of(Booster booster) {
    String[] error = new String[1];
    if (NativeShim.available()) {
      long handle = NativeShim.boosterHandle(booster);
      String config = handle == 0 ? null : NativeShim.boosterConfig(handle, error);
      if (config != null) {
        return new EffectiveParameters(fromConfig(config), "XGBoost's saved configuration", config);
      }
    }
    try {
      return new EffectiveParameters(fromModel(booster.toByteArray("json")), "the model file only (the native shim "
          + "is not loaded, so XGBoost's defaults are not listed)", null);
    } catch (XGBoostError | IOException e) {
      return new EffectiveParameters(Map.of(), "none: " + e.getMessage(), null);
    }
  }

  /** The model's own parameters from its JSON form: {@code learner_model_param} and the objective's. */
  static Map<String, String> fromModel(byte[] json) throws IOException {
    JsonNode learner = JsonText.parse(json).path("learner");
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> paths = new HashMap<>();
    flatten("", learner.path("learner_model_param"), values, paths);
    values.put("objective", learner.path("objective").path("name").asText());
    // the objective's own parameters (reg_loss_param, lambdarank_param, ...), by their names
    ObjectNode params = learner.path("objective").isObject()
        ? ((ObjectNode) learner.path("objective")).deepCopy() : JsonNodeFactory.instance.objectNode();
    params.remove("name");
    flatten("objective", params, values, paths);
    return values;
  }

  /** Flattens XGBoost's saved configuration ({@code {"learner": {...}, "version": [...]}}). */
  static Map<String, String> fromConfig(String config) {
    try {
      JsonNode root = JsonText.parse(config);
      Map<String, String> values = new LinkedHashMap<>();
      flatten("", root.path("learner"), values, new HashMap<>());
      return values;
    } catch (IOException e) {
      throw new IllegalArgumentException("XGBoost's configuration is not JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Leaves under their own name; a second leaf of the same name goes under its path, and so does
   * the first from then on. Lists of named objects (updaters, metrics) take the names as
   * segments; a list of plain values is one comma-separated value.
   */
  private static void flatten(String path, JsonNode node, Map<String, String> out, Map<String, String> pathOf) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getKey().equals("rng_state")) {
          continue; // the random generator's internal state: hundreds of numbers, no parameter
        }
        if (e.getValue().isValueNode()) {
          put(e.getKey(), child, e.getValue().asText(), out, pathOf);
        } else {
          flatten(child, e.getValue(), out, pathOf);
        }
      }
    } else if (node.isArray()) {
      boolean plain = true;
      for (JsonNode n : node) {
        plain &= n.isValueNode();
      }
      String name = path.substring(path.lastIndexOf('.') + 1);
      if (plain) {
        StringBuilder joined = new StringBuilder();
        node.forEach(n -> joined.append(joined.length() == 0 ? "" : ", ").append(n.asText()));
        put(name, path, joined.toString(), out, pathOf);
        return;
      }
      int i = 0;
      for (JsonNode n : node) {
        if (n.isObject() && n.size() == 1 && n.has("name")) {
          // metrics: [{"name": "rmse"}, ...]
          put(name, path, (out.containsKey(name) ? out.get(name) + ", " : "") + n.get("name").asText(), out, pathOf);
        } else {
          flatten(path + "." + (n.has("name") ? n.get("name").asText() : Integer.toString(i)), n, out, pathOf);
        }
        i++;
      }
    }
  }

  private static void put(String name, String path, String value, Map<String, String> out, Map<String, String> pathOf) {
    String earlier = pathOf.get(name);
    if (earlier == null || earlier.equals(path)) {
      pathOf.put(name, path);
      out.put(name, value);
      return;
    }
    if (out.containsKey(name) && !earlier.equals("")) {
      // the first one moves under its path too, so neither reads as the only one
      out.put(earlier, out.remove(name));
      pathOf.put(name, "");
    }
    out.put(path, value);
  }
}
