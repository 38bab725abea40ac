package io.github.xgbcontainer.hyperparameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rewrites the hyperparameter table in the README from {@link Hyperparameters#markdownTable()}, so
 * the documentation cannot drift from the table the validator uses. A test fails when it has.
 *
 * <p>Usage, from the repository root after {@code mvn compile}: {@code java -cp
 * algorithm/target/classes io.github.xgbcontainer.hyperparameters.HyperparameterDocs README.md}
 */
public final class HyperparameterDocs {

  static final String BEGIN = "<!-- hyperparameters:begin -->\n";
  static final String END = "<!-- hyperparameters:end -->";

  private HyperparameterDocs() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: HyperparameterDocs <path to README.md>");
      System.exit(2);
    }
    Path readme = Path.of(args[0]);
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    Files.writeString(readme, rewrite(text, Hyperparameters.markdownTable()), StandardCharsets.UTF_8);
  }

  /** {@code text} with the part between the markers replaced by {@code table}. */
  static String rewrite(String text, String table) {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          "README has no '" + BEGIN.strip() + "' ... '" + END + "' section; add the two markers on lines of their own");
    }
    return text.substring(0, begin + BEGIN.length()) + table + text.substring(end);
  }

  /** The text between the markers, or null when they are missing. */
  static String section(String text) {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    return begin < 0 || end < begin ? null : text.substring(begin + BEGIN.length(), end);
  }
}
