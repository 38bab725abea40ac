package io.github.xgbcontainer.hyperparameters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HyperparameterDocsTest {

  /** Maven runs tests in algorithm/; the README is at the repository root above it. */
  private static final Path README = Path.of("").toAbsolutePath().getParent().resolve("README.md");

  @Test
  void readme_tableMatchesTheHyperparameterTable() throws IOException {
    String section = HyperparameterDocs.section(Files.readString(README));

    assertNotNull(section, README + " has no hyperparameters section");
    assertEquals(
        Hyperparameters.markdownTable(),
        section,
        "README.md is out of date; from the repository root run: java -cp algorithm/target/classes "
            + "io.github.xgbcontainer.hyperparameters.HyperparameterDocs README.md");
  }

  @Test
  void markdownTable_hasOneRowPerHyperparameter() {
    String table = Hyperparameters.markdownTable();

    assertEquals(HyperparameterTable.ALL.size() + 2, table.lines().count());
    assertTrue(table.contains("| `eta` | `learning_rate` | float | `0.3` | `[0, 1]` | "), table);
    assertTrue(table.contains("| `num_round` |  | integer | **required** | `[1, inf)` | "), table);
  }

  @Test
  void main_rewritesOnlyTheSection(@TempDir Path dir) throws IOException {
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, "# Title\n\n<!-- hyperparameters:begin -->\nold table\n<!-- hyperparameters:end -->\nafter\n");

    HyperparameterDocs.main(new String[] {readme.toString()});

    assertEquals(
        "# Title\n\n<!-- hyperparameters:begin -->\n" + Hyperparameters.markdownTable()
            + "<!-- hyperparameters:end -->\nafter\n",
        Files.readString(readme));
  }

  @Test
  void rewrite_rejectsTextWithoutMarkers() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HyperparameterDocs.rewrite("# Title\n", "table"));

    assertEquals(
        "README has no '<!-- hyperparameters:begin -->' ... '<!-- hyperparameters:end -->' section; "
            + "add the two markers on lines of their own",
        e.getMessage());
  }
}
