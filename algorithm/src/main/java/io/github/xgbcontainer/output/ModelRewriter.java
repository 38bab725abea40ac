package io.github.xgbcontainer.output;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rewrites a model saved by XGBoost 3.x (UBJSON) so that XGBoost 1.7, 2.x and 3.x load it and
 * predict the same. Two things in a 3.x model are read differently by older loaders:
 *
 * <ul>
 *   <li>{@code learner_model_param.base_score} is a vector, {@code "[9.914442E0]"}. XGBoost 1.7
 *       parses it as one number, fails on the bracket without a word, and predicts with its default
 *       0.5. A single intercept is written as the scalar {@code "9.914442E0"}, which every version
 *       reads as the same float (3.x included). A vector of several intercepts (one per class of a
 *       multi-class model) has no place in 1.7, so the first class's intercept becomes the common
 *       {@code base_score} and each other class's difference from it is added to the leaves of
 *       that class's first tree: its margin, and so every prediction, stays what it was, up to the
 *       rounding of one float addition per leaf.</li>
 *   <li>The learning-to-rank objectives keep their parameters under {@code lambdarank_param}, and
 *       {@code reg:squaredlogerror} has none; 1.7 looks for {@code lambda_rank_param} and
 *       {@code reg_loss_param} and fails to load without them ("Invalid cast, from Null to
 *       Object"). An empty section is added (1.7 takes its defaults; later versions ignore it).</li>
 *   <li>3.4 keeps the tree weights of dropout (DART) training beside the trees of a
 *       {@code gbtree} booster; older versions read them only from a {@code dart} booster, which
 *       3.4 still reads too.</li>
 * </ul>
 *
 * <p>Everything else is left as XGBoost wrote it, byte for byte. What no older version can read
 * stays as it is: vector-leaf trees ({@code multi_strategy=multi_output_tree}, whose intercepts
 * also stay a vector) and objectives that did not exist yet ({@code reg:quantileerror}).
 */
public final class ModelRewriter {

  /**
   * Objective parameter sections that XGBoost 1.7 reads when it loads a model and fails without
   * ("Invalid cast, from Null to Object"), where 3.x writes none or names it differently. Empty,
   * they give 1.7's defaults, which only matter for training on; later versions ignore them.
   */
  private static final Map<String, String> SECTIONS_17_NEEDS = Map.of(
      "rank:", "lambda_rank_param",
      "reg:squaredlogerror", "reg_loss_param");

  private ModelRewriter() {}

  /**
   * The portable form of {@code model}, a UBJSON document as {@code Booster.toByteArray("ubj")}
   * returns it.
   *
   * @throws IllegalArgumentException when {@code model} is not a UBJSON XGBoost model
   */
  public static byte[] portable(byte[] model) {
    Object doc;
    try {
      doc = Ubjson.read(model);
    } catch (ModelDocument.Malformed e) {
      throw new IllegalArgumentException("not a UBJSON model: " + e.getMessage(), e);
    }
    Map<String, Object> learner = object(object(doc, "document"), "learner");
    Map<String, Object> param = object(learner, "learner_model_param");
    Object baseScore = param.get("base_score");
    boolean changed = false;
    if (baseScore instanceof String text && text.startsWith("[")) {
      String scalar = scalarIntercept(text, learner);
      if (scalar != null) {
        param.put("base_score", scalar);
        changed = true;
      }
    }
    changed |= dropoutAsDart(learner);
    Map<String, Object> objective = object(learner, "objective");
    String section = objective.get("name") instanceof String n ? SECTIONS_17_NEEDS.get(n.startsWith("rank:") ? "rank:" : n) : null;
    if (section != null && !objective.containsKey(section)) {
      objective.put(section, new LinkedHashMap<String, Object>());
      changed = true;
    }
    return changed ? Ubjson.write(doc) : model;
  }

  /**
   * XGBoost 3.4 keeps dropout (DART) trees in a {@code gbtree} booster with a {@code weight_drop}
   * array beside the trees; older versions read the weights only from a {@code dart} booster that
   * wraps the {@code gbtree} one, and would predict with every weight 1. Written in the older
   * layout, which 3.4 still reads.
   */
  private static boolean dropoutAsDart(Map<String, Object> learner) {
    Map<String, Object> booster = object(learner, "gradient_booster");
    if (!"gbtree".equals(booster.get("name")) || !object(booster, "model").containsKey("weight_drop")) {
      return false;
    }
    Object weights = object(booster, "model").remove("weight_drop");
    Map<String, Object> dart = new LinkedHashMap<>();
    dart.put("gbtree", new LinkedHashMap<>(booster));
    dart.put("name", "dart");
    dart.put("weight_drop", weights);
    learner.put("gradient_booster", dart);
    return true;
  }

  /**
   * The scalar {@code base_score} for the vector {@code text}, folding the other intercepts into
   * first-round trees; null when the model cannot hold them that way.
   */
  private static String scalarIntercept(String text, Map<String, Object> learner) {
    String[] parts = text.substring(1, text.length() - 1).split(",");
    if (parts.length == 1) {
      return parts[0].trim();
    }
    float[] intercepts = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      intercepts[i] = Float.parseFloat(parts[i].trim());
    }
    float common = intercepts[0];
    Map<String, Object> booster = object(learner, "gradient_booster");
    String name = (String) booster.get("name");
    if ("gblinear".equals(name)) {
      // XGBoost 3.4's linear booster adds the first intercept to every class (measured), so the
      // scalar alone predicts what it predicts
      return parts[0].trim();
    }
    Map<String, Object> gbtree = "dart".equals(name) ? object(booster, "gbtree") : booster;
    Map<String, Object> model = object(gbtree, "model");
    Object weightDrop = model.containsKey("weight_drop") ? model.get("weight_drop") : booster.get("weight_drop");
    return foldIntoFirstTrees(model, weightDrop == null ? null : floats(weightDrop), intercepts, common)
        ? parts[0].trim() : null;
  }

  /**
   * Adds {@code intercepts[k] - common} to every leaf of the first tree of output group {@code k}
   * in the first round (divided by its dart weight, which scales the whole tree at prediction).
   * Node base weights move with the leaves so that the tree stays consistent.
   */
  private static boolean foldIntoFirstTrees(Map<String, Object> model, float[] weightDrop,
      float[] intercepts, float common) {
    long[] treeInfo = integers(model.get("tree_info"));
    long[] indptr = integers(model.get("iteration_indptr"));
    if (treeInfo == null || indptr == null || indptr.length < 2 || !(model.get("trees") instanceof Ubjson.Array array)) {
      return false;
    }
    List<Object> trees = array.items();
    int firstRoundEnd = (int) indptr[1];
    List<Map<String, Object>> chosen = new ArrayList<>();
    double[] shifts = new double[intercepts.length];
    for (int group = 0; group < intercepts.length; group++) {
      Map<String, Object> tree = null;
      for (int t = (int) indptr[0]; t < firstRoundEnd && tree == null; t++) {
        float weight = weightDrop == null ? 1f : weightDrop[t];
        if (treeInfo[t] == group && weight != 0f) {
          tree = object(trees.get(t), "tree " + t);
          shifts[group] = ((double) intercepts[group] - common) / weight;
        }
      }
      if (tree == null || !Long.valueOf(1).equals(leafVectorSize(tree))) {
        return false;
      }
      chosen.add(tree);
    }
    for (int group = 0; group < intercepts.length; group++) {
      if (shifts[group] != 0) {
        shiftLeaves(chosen.get(group), shifts[group]);
      }
    }
    return true;
  }

  /** The values of a float array, typed or not (XGBoost writes the dart weights untyped). */
  private static float[] floats(Object value) {
    if (value instanceof Ubjson.TypedArray typed && typed.marker() == 'd') {
      float[] out = new float[typed.count()];
      for (int i = 0; i < out.length; i++) {
        out[i] = typed.getFloat(i);
      }
      return out;
    }
    if (value instanceof Ubjson.Array array) {
      float[] out = new float[array.items().size()];
      for (int i = 0; i < out.length; i++) {
        if (!(array.items().get(i) instanceof Ubjson.Scalar scalar) || scalar.marker() != 'd') {
          throw new IllegalArgumentException("dart weight " + i + " is not a float");
        }
        out[i] = ByteBuffer.wrap(scalar.payload()).getFloat();
      }
      return out;
    }
    throw new IllegalArgumentException("'weight_drop' is not an array of floats");
  }

  /** The values of an integer array, typed or not; null for anything else. */
  private static long[] integers(Object value) {
    if (value instanceof Ubjson.TypedArray typed && typed.marker() != 'd' && typed.marker() != 'D') {
      long[] out = new long[typed.count()];
      for (int i = 0; i < out.length; i++) {
        out[i] = typed.getLong(i);
      }
      return out;
    }
    if (value instanceof Ubjson.Array array) {
      long[] out = new long[array.items().size()];
      for (int i = 0; i < out.length; i++) {
        if (!(array.items().get(i) instanceof Ubjson.Scalar scalar)) {
          return null;
        }
        out[i] = scalar.longValue();
      }
      return out;
    }
    return null;
  }

  private static Long leafVectorSize(Map<String, Object> tree) {
    Object size = tree.get("tree_param") instanceof Map<?, ?> p ? p.get("size_leaf_vector") : null;
    return size instanceof String s ? Long.valueOf(s) : null;
  }

  private static void shiftLeaves(Map<String, Object> tree, double shift) {
    Ubjson.TypedArray left = (Ubjson.TypedArray) tree.get("left_children");
    Ubjson.TypedArray conditions = (Ubjson.TypedArray) tree.get("split_conditions");
    Ubjson.TypedArray weights = (Ubjson.TypedArray) tree.get("base_weights");
    for (int node = 0; node < left.count(); node++) {
      if (left.getLong(node) == -1) {
        conditions.setFloat(node, (float) (conditions.getFloat(node) + shift));
      }
      weights.setFloat(node, (float) (weights.getFloat(node) + shift));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value, String what) {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new IllegalArgumentException(String.format(Locale.ROOT, "%s is not a UBJSON object", what));
  }

  private static Map<String, Object> object(Map<String, Object> parent, String key) {
    return object(parent.get(key), "'" + key + "'");
  }
}
