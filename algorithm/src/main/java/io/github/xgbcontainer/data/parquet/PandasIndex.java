package io.github.xgbcontainer.data.parquet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The index columns a Parquet file's {@code pandas} metadata names. pandas, pyarrow and Dask store a
 * DataFrame's index as columns ({@code __index_level_0__}, {@code __null_dask_index__}, or the
 * index's own name) and list them under {@code index_columns}; the official image reads Parquet
 * with pyarrow's {@code to_pandas()}, which makes them the index again, so they are never features.
 * A {@code RangeIndex} is recorded as a description, not a column, and has nothing to drop.
 *
 * @see <a href="https://pandas.pydata.org/docs/development/developer.html#storing-pandas-dataframe-objects-in-apache-parquet-format">pandas metadata in Parquet</a>
 */
final class PandasIndex {

  /** The key pandas writes its metadata under in the file's key-value metadata. */
  static final String KEY = "pandas";
  private static final ObjectMapper JSON = new ObjectMapper();

  private PandasIndex() {}

  /**
   * The names of the columns that hold the index, in the metadata's order.
   *
   * @param keyValues the file's key-value metadata
   * @throws IOException when the {@code pandas} entry is not JSON
   */
  static Set<String> columns(Map<String, String> keyValues) throws IOException {
    Set<String> names = new LinkedHashSet<>();
    String metadata = keyValues == null ? null : keyValues.get(KEY);
    if (metadata == null) {
      return names;
    }
    JsonNode index = JSON.readTree(metadata).path("index_columns");
    for (JsonNode column : index) {
      if (column.isTextual()) {
        names.add(column.asText());
      }
    }
    return names;
  }
}
