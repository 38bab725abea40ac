package io.github.xgbcontainer.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.xgbcontainer.error.UserError;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;

/** Models trained here with xgboost4j pass; damaged ones are refused naming the file and the field. */
class ModelValidatorTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String FIX = "; perhaps you should deploy the model.tar.gz the training job wrote again, or re-save"
      + " the model with booster.save_model('xgboost-model.ubj')";

  static Booster train(Map<String, Object> params, int targets) throws Exception {
    int n = 200;
    float[] x = new float[n * 3];
    float[] y = new float[n * targets];
    for (int i = 0; i < n; i++) {
      x[3 * i] = i % 13;
      x[3 * i + 1] = i % 7;
      x[3 * i + 2] = i % 5;
      for (int t = 0; t < targets; t++) {
        y[i * targets + t] = params.containsKey("num_class") ? i % 3 : t == 0 ? (x[3 * i] > 6 ? 1 : 0) : x[3 * i + 1];
      }
    }
    DMatrix d = new DMatrix(x, n, 3, Float.NaN);
    try {
      d.setLabel(y);
      Map<String, Object> all = new HashMap<>(params);
      all.put("nthread", 1);
      all.put("max_depth", 3);
      return XGBoost.train(d, all, 3, Map.of(), null, null);
    } finally {
      d.dispose();
    }
  }

  @Test
  void modelsXgboostWrites_pass() throws Exception {
    for (Map<String, Object> params : new Map[] {
        Map.of("objective", "binary:logistic"),
        Map.of("objective", "multi:softprob", "num_class", 3),
        Map.of("objective", "binary:logistic", "booster", "dart", "rate_drop", 0.5),
        Map.of("objective", "binary:logistic", "booster", "gblinear")}) {
      Booster booster = train(params, 1);
      ModelValidator.validate("xgboost-model", booster.toByteArray("ubj"));
      ModelValidator.validate("xgboost-model", booster.toByteArray("json"));
      booster.dispose();
    }
    Booster multi = train(Map.of("objective", "reg:squarederror", "tree_method", "hist",
        "multi_strategy", "multi_output_tree", "num_target", 2), 2);
    ModelValidator.validate("xgboost-model", multi.toByteArray("ubj"));
    ModelValidator.validate("xgboost-model", multi.toByteArray("json"));
    multi.dispose();
  }

  @Test
  void validate_summarisesObjectiveClassesAndFeatures_inUbjsonAndJson() throws Exception {
    Booster softprob = train(Map.of("objective", "multi:softprob", "num_class", 3), 1);
    Booster logistic = train(Map.of("objective", "binary:logistic"), 1);
    try {
      for (String format : new String[] {"ubj", "json"}) {
        assertEquals(new ModelSummary("multi:softprob", 3, 3),
            ModelValidator.validate("xgboost-model", softprob.toByteArray(format)));
        assertEquals(new ModelSummary("binary:logistic", 0, 3),
            ModelValidator.validate("xgboost-model", logistic.toByteArray(format)));
      }
    } finally {
      softprob.dispose();
      logistic.dispose();
    }
  }

  static String refusal(Consumer<ObjectNode> damage) throws Exception {
    Booster booster = train(Map.of("objective", "binary:logistic"), 1);
    ObjectNode model = (ObjectNode) JSON.readTree(booster.toByteArray("json"));
    booster.dispose();
    damage.accept(model);
    return assertThrows(UserError.class, () -> ModelValidator.validate("xgboost-model", JSON.writeValueAsBytes(model)))
        .getMessage();
  }

  static ObjectNode tree(ObjectNode model, int t) {
    return (ObjectNode) model.at("/learner/gradient_booster/model/trees/" + t);
  }

  @Test
  void shortArray_isRefusedAgainstNumNodes() throws Exception {
    int[] nodes = new int[1];
    String message = refusal(m -> {
      nodes[0] = tree(m, 1).get("tree_param").get("num_nodes").asInt();
      ((ArrayNode) tree(m, 1).get("left_children")).remove(nodes[0] - 1);
    });
    assertEquals("model file 'xgboost-model' is damaged or not an XGBoost model: tree 1: left_children has "
        + (nodes[0] - 1) + " entries, tree_param.num_nodes is " + nodes[0] + FIX, message);
  }

  @Test
  void childOutsideTheTree_isRefused() throws Exception {
    int[] nodes = new int[1];
    String message = refusal(m -> {
      nodes[0] = tree(m, 0).get("tree_param").get("num_nodes").asInt();
      ((ArrayNode) tree(m, 0).get("right_children")).set(0, 1000);
    });
    assertEquals("model file 'xgboost-model' is damaged or not an XGBoost model: tree 0: right_children[0] is"
        + " 1000, outside [-1, " + nodes[0] + ")" + FIX, message);
  }

  @Test
  void childPointingBackToTheRoot_isRefusedAsACycle() throws Exception {
    String message = refusal(m -> {
      ArrayNode left = (ArrayNode) tree(m, 0).get("left_children");
      int child = left.get(0).asInt();
      ((ArrayNode) tree(m, 0).get("left_children")).set(child, 0);
      ((ArrayNode) tree(m, 0).get("right_children")).set(child, 0);
    });
    assertEquals("model file 'xgboost-model' is damaged or not an XGBoost model: tree 0: node 0 is reached twice"
        + " (a cycle or a shared child)" + FIX, message);
  }

  @Test
  void splitOnAFeatureTheModelDoesNotHave_isRefused() throws Exception {
    String message = refusal(m -> ((ArrayNode) tree(m, 2).get("split_indices")).set(0, 3));
    assertEquals("model file 'xgboost-model' is damaged or not an XGBoost model: tree 2: split_indices[0]"
        + " (num_feature is 3) is 3, outside [0, 3)" + FIX, message);
  }

  @Test
  void numTreesThatDisagreesWithTheTrees_isRefused() throws Exception {
    String message = refusal(m -> ((ObjectNode) m.at("/learner/gradient_booster/model/gbtree_model_param"))
        .put("num_trees", "30000000"));
    assertEquals("model file 'xgboost-model' is damaged or not an XGBoost model: gbtree_model_param.num_trees"
        + " is 30000000, but trees has 3" + FIX, message);
  }

  @Test
  void ubjsonArrayLongerThanTheFile_isRefusedBeforeAllocating() {
    // {"a": [$d#L <2^40>] ...}: a typed array claiming a trillion floats in a 30-byte file.
    ByteBuffer b = ByteBuffer.allocate(30);
    b.put((byte) '{').put((byte) 'L').putLong(1).put((byte) 'a').put((byte) '[').put((byte) '$').put((byte) 'd')
        .put((byte) '#').put((byte) 'L').putLong(1L << 40);
    String message = assertThrows(UserError.class, () -> ModelValidator.validate("xgboost-model", b.array()))
        .getMessage();
    assertEquals("model file 'xgboost-model' is damaged or not an XGBoost model: byte offset 15: a length of"
        + " 1099511627776 in a file of 30 bytes" + FIX, message);
  }
}
