package io.github.xgbcontainer.output;

import io.github.xgbcontainer.error.UserError;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * Checks an XGBoost JSON or UBJSON model before it reaches XGBoost's native loader, which trusts
 * the file: a tree whose arrays are shorter than its declared node count, or whose child index
 * points outside the tree, is read out of bounds (a SIGSEGV in {@code RegTree::LoadModel}), and a
 * damaged count makes it allocate gigabytes before it fails. Here every count is checked against
 * the arrays that are actually in the file, every index against what it indexes, and every tree
 * walked from its root, so a damaged model is a clean error naming the file and the field.
 *
 * <p>What is checked: the learner's {@code num_feature}, {@code num_class}, {@code num_target} and
 * {@code base_score}; for tree boosters {@code num_trees} against {@code trees}, {@code tree_info}
 * (each tree's output group) and {@code iteration_indptr}, dart's {@code weight_drop}; in each tree
 * the ten per-node arrays against {@code tree_param.num_nodes}, children in [-1, num_nodes) and the
 * nodes reachable from the root forming a tree (no cycle, no shared child), split features below
 * {@code num_feature}, categorical splits against {@code categories_*}, and multi-target leaves
 * against {@code leaf_weights}; for the linear booster the weight count.
 *
 * @see <a href="https://xgboost.readthedocs.io/en/stable/tutorials/saving_model.html">XGBoost: model IO and the JSON schema</a>
 */
public final class ModelValidator {

  /** More features than any model this image trains: XGBoost allocates per-feature buffers from it. */
  static final long MAX_FEATURES = 1L << 28;
  /** More classes or targets than any real model; predictions allocate rows times this. */
  static final long MAX_OUTPUTS = 1L << 20;

  private static final String[] NODE_ARRAYS = {"left_children", "right_children", "parents", "split_indices",
      "split_conditions", "default_left", "split_type", "sum_hessian", "loss_changes"};

  private final String name;

  private ModelValidator(String name) {
    this.name = name;
  }

  /**
   * Checks {@code bytes}, a model in XGBoost's JSON or UBJSON format, named {@code name} in messages.
   *
   * @return the objective, class count and feature count the file declares, for a server's log and answers
   * @throws UserError naming the file and what is wrong, when XGBoost should not be handed the model
   */
  public static ModelSummary validate(String name, byte[] bytes) {
    return new ModelValidator(name).check(bytes);
  }

  private ModelSummary check(byte[] bytes) {
    Object document;
    try {
      document = ModelDocument.read(bytes);
    } catch (ModelDocument.Malformed e) {
      throw damaged(e.getMessage());
    } catch (StackOverflowError e) {
      throw damaged("nested too deeply");
    }
    Map<String, Object> learner = object(object(document, "the model").get("learner"), "learner");
    Map<String, Object> param = object(learner.get("learner_model_param"), "learner.learner_model_param");
    long features = count(param.get("num_feature"), "learner_model_param.num_feature", 0, MAX_FEATURES);
    long classes = count(param.get("num_class"), "learner_model_param.num_class", 0, MAX_OUTPUTS);
    long targets = param.containsKey("num_target")
        ? count(param.get("num_target"), "learner_model_param.num_target", 1, MAX_OUTPUTS) : 1;
    long groups = Math.max(1, Math.max(classes, targets));
    baseScore(param.get("base_score"), groups);
    for (String key : new String[] {"feature_names", "feature_types"}) {
      if (learner.containsKey(key)) {
        int n = length(learner.get(key), "learner." + key);
        if (n != 0 && n != features) {
          throw damaged("learner." + key + " has " + n + " entries, num_feature is " + features);
        }
      }
    }
    Map<String, Object> booster = object(learner.get("gradient_booster"), "learner.gradient_booster");
    String kind = string(booster.get("name"), "gradient_booster.name");
    switch (kind) {
      case "gbtree" -> trees(object(booster.get("model"), "gradient_booster.model"), features, groups);
      case "dart" -> {
        Map<String, Object> inner = object(booster.get("gbtree"), "gradient_booster.gbtree");
        long trees = trees(object(inner.get("model"), "gradient_booster.gbtree.model"), features, groups);
        weightDrop(booster, trees);
      }
      case "gblinear" -> {
        Map<String, Object> model = object(booster.get("model"), "gradient_booster.model");
        int weights = numbers(model.get("weights"), "gradient_booster.model.weights").length;
        if (weights != (features + 1) * groups) {
          throw damaged("gradient_booster.model.weights has " + weights + " entries, a linear model with "
              + features + " features and " + groups + " outputs has " + (features + 1) * groups);
        }
      }
      default -> throw damaged("gradient_booster.name is '" + kind + "', not gbtree, dart or gblinear");
    }
    Object objective = learner.get("objective");
    String objectiveName = objective == null ? "" : string(object(objective, "learner.objective").get("name"),
        "learner.objective.name");
    return new ModelSummary(objectiveName, (int) classes, features);
  }

  private long trees(Map<String, Object> model, long features, long groups) {
    Map<String, Object> param = object(model.get("gbtree_model_param"), "gbtree_model_param");
    List<?> trees = list(model.get("trees"), "trees");
    long numTrees = count(param.get("num_trees"), "gbtree_model_param.num_trees", 0, Integer.MAX_VALUE);
    if (param.containsKey("num_parallel_tree")) {
      count(param.get("num_parallel_tree"), "gbtree_model_param.num_parallel_tree", 1, Integer.MAX_VALUE);
    }
    if (trees.size() != numTrees) {
      throw damaged("gbtree_model_param.num_trees is " + numTrees + ", but trees has " + trees.size());
    }
    double[] info = numbers(model.get("tree_info"), "tree_info");
    if (info.length != numTrees) {
      throw damaged("tree_info has " + info.length + " entries, num_trees is " + numTrees);
    }
    for (int i = 0; i < info.length; i++) {
      index(info[i], 0, groups, "tree_info[" + i + "] (the tree's output group)");
    }
    if (model.containsKey("iteration_indptr")) {
      double[] indptr = numbers(model.get("iteration_indptr"), "iteration_indptr");
      if (indptr.length == 0 || indptr[0] != 0 || indptr[indptr.length - 1] != numTrees) {
        throw damaged("iteration_indptr must run from 0 to num_trees (" + numTrees + ")");
      }
      for (int i = 1; i < indptr.length; i++) {
        if (!(indptr[i] >= indptr[i - 1])) {
          throw damaged("iteration_indptr decreases at entry " + i);
        }
      }
    }
    if (model.containsKey("weight_drop")) {
      weightDrop(model, numTrees);
    }
    for (int t = 0; t < trees.size(); t++) {
      tree(object(trees.get(t), "trees[" + t + "]"), t, features);
    }
    return numTrees;
  }

  private void weightDrop(Map<String, Object> owner, long trees) {
    int n = numbers(owner.get("weight_drop"), "weight_drop").length;
    if (n != trees) {
      throw damaged("weight_drop has " + n + " entries, num_trees is " + trees);
    }
  }

  private void tree(Map<String, Object> tree, int t, long features) {
    String at = "tree " + t;
    if (tree.containsKey("id")) {
      double id = number(tree.get("id"), at + ": id");
      if (id != t) {
        throw damaged(at + ": id is " + format(id));
      }
    }
    Map<String, Object> param = object(tree.get("tree_param"), at + ": tree_param");
    long nodes = count(param.get("num_nodes"), at + ": tree_param.num_nodes", 1, Integer.MAX_VALUE);
    long treeFeatures = count(param.get("num_feature"), at + ": tree_param.num_feature", 0, MAX_FEATURES);
    long leafSize = param.containsKey("size_leaf_vector")
        ? count(param.get("size_leaf_vector"), at + ": tree_param.size_leaf_vector", 0, MAX_OUTPUTS) : 1;
    if (param.containsKey("num_deleted")) {
      count(param.get("num_deleted"), at + ": tree_param.num_deleted", 0, nodes);
    }
    int n = (int) nodes;
    for (String key : NODE_ARRAYS) {
      int length = numbers(tree.get(key), at + ": " + key).length;
      if (length != n) {
        throw damaged(at + ": " + key + " has " + length + " entries, tree_param.num_nodes is " + n);
      }
    }
    boolean multi = leafSize > 1;
    long weightsPerNode = multi ? leafSize : 1;
    int baseWeights = numbers(tree.get("base_weights"), at + ": base_weights").length;
    if (baseWeights != n * weightsPerNode) {
      throw damaged(at + ": base_weights has " + baseWeights + " entries, tree_param.num_nodes is " + n
          + (multi ? " with " + leafSize + " values each" : ""));
    }
    long leaves = 0;
    if (multi) {
      int leafWeights = numbers(tree.get("leaf_weights"), at + ": leaf_weights").length;
      if (leafWeights % leafSize != 0) {
        throw damaged(at + ": leaf_weights has " + leafWeights + " entries, not a multiple of " + leafSize);
      }
      leaves = leafWeights / leafSize;
    }
    double[] left = numbers(tree.get("left_children"), at);
    double[] right = numbers(tree.get("right_children"), at);
    double[] parents = numbers(tree.get("parents"), at);
    double[] split = numbers(tree.get("split_indices"), at);
    double[] defaultLeft = numbers(tree.get("default_left"), at);
    double[] splitType = numbers(tree.get("split_type"), at);
    long maxFeature = Math.min(features, treeFeatures);
    for (int i = 0; i < n; i++) {
      index(left[i], -1, n, at + ": left_children[" + i + "]");
      boolean leaf = left[i] == -1;
      if (multi && leaf) {
        index(right[i], 0, leaves, at + ": right_children[" + i + "] (a leaf's index in leaf_weights)");
      } else {
        index(right[i], -1, n, at + ": right_children[" + i + "]");
        if (leaf != (right[i] == -1)) {
          throw damaged(at + ": node " + i + " has one child (left " + format(left[i]) + ", right "
              + format(right[i]) + ")");
        }
      }
      index(split[i], 0, Integer.MAX_VALUE, at + ": split_indices[" + i + "]");
      index(defaultLeft[i], 0, 2, at + ": default_left[" + i + "]");
      index(splitType[i], 0, 2, at + ": split_type[" + i + "]");
      if (!leaf) {
        index(split[i], 0, maxFeature, at + ": split_indices[" + i + "] (num_feature is " + maxFeature + ")");
      }
    }
    // Prediction walks from the root to a leaf: the reachable nodes must form a tree.
    BitSet seen = new BitSet(n);
    int[] stack = new int[n];
    int top = 0;
    stack[top++] = 0;
    seen.set(0);
    if (parents[0] != -1 && parents[0] != Integer.MAX_VALUE) {
      throw damaged(at + ": parents[0] is " + format(parents[0]) + ", the root has no parent");
    }
    while (top > 0) {
      int node = stack[--top];
      if (left[node] == -1) {
        continue;
      }
      for (double c : new double[] {left[node], right[node]}) {
        int child = (int) c;
        if (seen.get(child)) {
          throw damaged(at + ": node " + child + " is reached twice (a cycle or a shared child)");
        }
        if (parents[child] != node) {
          throw damaged(at + ": parents[" + child + "] is " + format(parents[child]) + ", but node " + node
              + " has it as a child");
        }
        seen.set(child);
        stack[top++] = child;
      }
    }
    categories(tree, at, n, splitType, left);
  }

  private void categories(Map<String, Object> tree, String at, int n, double[] splitType, double[] left) {
    double[] nodes = tree.containsKey("categories_nodes") ? numbers(tree.get("categories_nodes"), at) : new double[0];
    double[] segments = tree.containsKey("categories_segments")
        ? numbers(tree.get("categories_segments"), at) : new double[0];
    double[] sizes = tree.containsKey("categories_sizes") ? numbers(tree.get("categories_sizes"), at) : new double[0];
    double[] categories = tree.containsKey("categories") ? numbers(tree.get("categories"), at) : new double[0];
    if (segments.length != nodes.length || sizes.length != nodes.length) {
      throw damaged(at + ": categories_nodes, categories_segments and categories_sizes have " + nodes.length
          + ", " + segments.length + " and " + sizes.length + " entries, they must be as many");
    }
    BitSet categorical = new BitSet(n);
    for (int i = 0; i < nodes.length; i++) {
      index(nodes[i], 0, n, at + ": categories_nodes[" + i + "]");
      index(segments[i], 0, categories.length + 1L, at + ": categories_segments[" + i + "]");
      index(sizes[i], 0, categories.length - (long) segments[i] + 1, at + ": categories_sizes[" + i + "]");
      categorical.set((int) nodes[i]);
    }
    for (int i = 0; i < n; i++) {
      if (splitType[i] == 1 && left[i] != -1 && !categorical.get(i)) {
        throw damaged(at + ": node " + i + " is a categorical split without categories");
      }
    }
    for (int i = 0; i < categories.length; i++) {
      index(categories[i], 0, Integer.MAX_VALUE, at + ": categories[" + i + "]");
    }
  }

  private void baseScore(Object value, long groups) {
    String text = string(value, "learner_model_param.base_score").strip();
    String inner = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    String[] parts = inner.split(",", -1);
    for (String part : parts) {
      try {
        Float.parseFloat(part.strip());
      } catch (NumberFormatException e) {
        throw damaged("learner_model_param.base_score '" + text + "' is not a number or a list of numbers");
      }
    }
    if (parts.length != 1 && parts.length != groups) {
      throw damaged("learner_model_param.base_score has " + parts.length + " values, the model has "
          + groups + " outputs");
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> object(Object value, String what) {
    value = Ubjson.plain(value);
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw damaged(what + " is " + describe(value) + ", not an object");
  }

  private List<?> list(Object value, String what) {
    value = Ubjson.plain(value);
    if (value instanceof List<?> list) {
      return list;
    }
    if (value instanceof double[] numbers && numbers.length == 0) {
      return List.of();
    }
    throw damaged(what + " is " + describe(value) + ", not a list of objects");
  }

  private int length(Object value, String what) {
    value = Ubjson.plain(value);
    if (value instanceof List<?> list) {
      return list.size();
    }
    if (value instanceof double[] numbers) {
      return numbers.length;
    }
    throw damaged(what + " is " + describe(value) + ", not a list");
  }

  private double[] numbers(Object value, String what) {
    value = Ubjson.plain(value);
    if (value instanceof double[] numbers) {
      return numbers;
    }
    if (value instanceof List<?> list && list.isEmpty()) {
      return new double[0];
    }
    throw damaged(what + " is " + describe(value) + ", not a list of numbers");
  }

  private String string(Object value, String what) {
    value = Ubjson.plain(value);
    if (value instanceof String s) {
      return s;
    }
    throw damaged(what + " is " + describe(value) + ", not a string");
  }

  private double number(Object value, String what) {
    value = Ubjson.plain(value);
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    throw damaged(what + " is " + describe(value) + ", not a number");
  }

  /** A count XGBoost stores as a decimal string (or, in older files, a number), in [min, max]. */
  private long count(Object value, String what, long min, long max) {
    value = Ubjson.plain(value);
    long n;
    if (value instanceof String s && !s.isEmpty() && s.length() <= 19 && s.chars().allMatch(Character::isDigit)) {
      n = Long.parseLong(s);
    } else if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
        && Math.abs(number.doubleValue()) < 1e18) {
      n = (long) number.doubleValue();
    } else {
      throw damaged(what + " is " + describe(value) + ", not a count");
    }
    if (n < min || n > max) {
      throw damaged(what + " is " + n + ", outside [" + min + ", " + max + "]");
    }
    return n;
  }

  /** An integer in [min, max). */
  private void index(double value, long min, long max, String what) {
    if (!(value >= min && value < max) || value != Math.rint(value)) {
      throw damaged(what + " is " + format(value) + ", outside [" + min + ", " + max + ")");
    }
  }

  private static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e18 ? Long.toString((long) value) : Double.toString(value);
  }

  private static String describe(Object value) {
    if (value == null) {
      return "missing";
    }
    if (value instanceof String s) {
      return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    }
    if (value instanceof Map<?, ?>) {
      return "an object";
    }
    if (value instanceof List<?> || value instanceof double[]) {
      return "a list";
    }
    return value.toString();
  }

  private UserError damaged(String what) {
    return new UserError("model file '" + name + "' is damaged or not an XGBoost model: " + what
        + "; perhaps you should deploy the model.tar.gz the training job wrote again, or re-save the model"
        + " with booster.save_model('" + name + ".ubj')");
  }
}
