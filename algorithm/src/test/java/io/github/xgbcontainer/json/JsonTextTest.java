package io.github.xgbcontainer.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** JsonText against the ObjectMapper it stands in for: the same trees, the same bytes. */
class JsonTextTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectMapper INDENTED = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Test
  void parse_givesTheTreeReadTreeGives_numbersOfEveryWidthIncluded() throws Exception {
    for (String text : List.of(
        "{\"num_round\": \"10\", \"eta\": 0.1, \"max_depth\": 6, \"big\": 12345678901, \"huge\": 123456789012345678901234567890}",
        "{\"a\": [1, -2.5e-3, 1E+300, true, false, null, {\"b\": []}, \"\\u00e9\\n\\\"q\\\"\"], \"a\": \"last wins\"}",
        "[[0,1],[2,3]]", "  \"text\"  ", "42", "-0.0", "{\"USE_CUDA\": true, \"CUDA_VERSION\": [12, 8]} trailing",
        "{\"learner\": {\"objective\": {\"name\": \"binary:logistic\", \"reg_loss_param\": {\"scale_pos_weight\": \"1\"}}}}")) {
      JsonNode expected = MAPPER.readTree(text);
      JsonNode actual = JsonText.parse(text);
      assertEquals(expected, actual, text);
      assertEquals(expected.toString(), actual.toString(), text);
      assertEquals(expected, JsonText.parse(text.getBytes(StandardCharsets.UTF_8)), text);
    }
  }

  @Test
  void parse_ofNothingButWhiteSpace_isTheMissingNodeReadTreeGives() throws Exception {
    assertTrue(MAPPER.readTree(" \n").isMissingNode());
    assertTrue(JsonText.parse(" \n").isMissingNode());
    assertTrue(JsonText.parse(new byte[0]).isMissingNode());
  }

  @Test
  void parse_ofBrokenJson_failsWithTheParsersMessageAndPosition() {
    for (String text : List.of("{\"a\": 1,", "{\"a\" 1}", "[1, 2", "{\"a\": tru}")) {
      JsonProcessingException expected = assertThrows(JsonProcessingException.class, () -> MAPPER.readTree(text));
      JsonProcessingException actual = assertThrows(JsonProcessingException.class, () -> JsonText.parse(text));
      assertEquals(expected.getOriginalMessage(), actual.getOriginalMessage(), text);
      assertEquals(expected.getLocation().getLineNr(), actual.getLocation().getLineNr(), text);
      assertEquals(expected.getLocation().getColumnNr(), actual.getLocation().getColumnNr(), text);
    }
  }

  @Test
  void prettyAndCompact_writeTheBytesTheMapperWrites() throws Exception {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("rounds", 3);
    doc.put("num_round", 3L);
    doc.put("stopped_early", false);
    doc.put("best_score", 0.123456789);
    doc.put("nan", Double.NaN);
    doc.put("float", 0.1f);
    doc.put("none", null);
    doc.put("empty", Map.of());
    doc.put("empty_list", List.of());
    Map<String, List<Double>> metrics = new LinkedHashMap<>();
    metrics.put("train-logloss", Arrays.asList(0.69, 0.5, null, 1e-9));
    doc.put("metrics", metrics);
    doc.put("names", new String[] {"f0", "é \"quoted\""});
    doc.put("doubles", new double[] {1.5, -2});
    doc.put("ints", new int[] {1, 2});
    doc.put("longs", new long[] {1L << 40});
    doc.put("tree", MAPPER.readTree("{\"a\": [1, 2.5, \"x\", null, true], \"b\": {}}"));
    List<Object> nested = new ArrayList<>(List.of(Map.of("k", List.of(1, 2)), "s"));
    doc.put("nested", nested);
    assertEquals(new String(INDENTED.writeValueAsBytes(doc), StandardCharsets.UTF_8),
        new String(JsonText.pretty(doc), StandardCharsets.UTF_8));
    assertArrayEquals(INDENTED.writeValueAsBytes(doc), JsonText.pretty(doc));
    assertEquals(MAPPER.writeValueAsString(doc), JsonText.compact(doc));
    Map<String, Object> config = Map.of("importance_type", "gain", "feature_names", new String[] {"a", "b"});
    assertEquals(MAPPER.writeValueAsString(config), JsonText.compact(config));
  }

  @Test
  void write_refusesWhatItDoesNotKnow_ratherThanWriteItDifferently() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JsonText.compact(Map.of("x", Optional.of(1))));
    assertEquals("JsonText writes maps, lists, arrays, text, numbers and booleans, not java.util.Optional",
        e.getMessage());
  }
}
