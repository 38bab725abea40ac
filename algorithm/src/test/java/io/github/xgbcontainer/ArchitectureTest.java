package io.github.xgbcontainer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@code ARCHITECTURE.md}, enforced on the compiled classes. The package table is read
 * from the document itself, so the table and the code cannot drift apart: a new package needs a
 * row, and a new dependency needs a word in that row's "may depend on" column.
 *
 * <p>See https://www.archunit.org/userguide/html/000_Index.html
 */
class ArchitectureTest {

  private static final String ROOT = "io.github.xgbcontainer";
  private static final Path DOCUMENT = Path.of("../ARCHITECTURE.md");

  private static JavaClasses classes;
  /** Row name (e.g. {@code data.parquet}) to the rows it may depend on; null means everything. */
  private static Map<String, List<String>> table;

  @BeforeAll
  static void importClasses() throws IOException {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT);
    table = table(Files.readString(DOCUMENT));
  }

  /**
   * Reads the table's rows: {@code | `name` | what it is for | `a`, `b` (why) |}; "everything" and
   * "—" in the last column mean what they say, and {@code `x.*`} every row under {@code x}.
   */
  static Map<String, List<String>> table(String markdown) {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    Pattern row = Pattern.compile("^\\| `([a-z.]+)` \\|.*\\| ([^|]+) \\|$", Pattern.MULTILINE);
    Matcher m = row.matcher(markdown);
    while (m.find()) {
      String allowed = m.group(2).trim();
      if (allowed.equals("everything")) {
        rows.put(m.group(1), null);
        continue;
      }
      List<String> names = new ArrayList<>();
      Matcher name = Pattern.compile("`([a-z.*]+)`").matcher(allowed);
      while (name.find()) {
        names.add(name.group(1));
      }
      rows.put(m.group(1), names);
    }
    // wildcards once every row is known
    for (Map.Entry<String, List<String>> e : rows.entrySet()) {
      if (e.getValue() != null) {
        List<String> expanded = new ArrayList<>();
        for (String n : e.getValue()) {
          if (n.endsWith(".*")) {
            String parent = n.substring(0, n.length() - 1);
            rows.keySet().stream().filter(r -> r.startsWith(parent)).forEach(expanded::add);
          } else {
            expanded.add(n);
          }
        }
        e.setValue(expanded);
      }
    }
    return rows;
  }

  /** The row a package belongs to: the longest row name that is it or one of its parents. */
  private static Optional<String> rowOf(String javaPackage) {
    if (!javaPackage.startsWith(ROOT + ".")) {
      return Optional.empty();
    }
    String relative = javaPackage.substring(ROOT.length() + 1);
    return table.keySet().stream()
        .filter(r -> relative.equals(r) || relative.startsWith(r + "."))
        .max(Comparator.comparingInt(String::length));
  }

  private static DescribedPredicate<JavaClass> inRow(String row) {
    return DescribedPredicate.describe("in row `" + row + "`",
        c -> rowOf(c.getPackageName()).filter(row::equals).isPresent());
  }

  @Test
  void table_readsEachRowsAllowedPackages() {
    Map<String, List<String>> rows = table("| package | what | may depend on |\n|---|---|---|\n"
        + "| `error` | errors | — |\n| `output` | files, `report.html` | `matrix` (the shim), `error` |\n"
        + "| `local` | jobs | `local.*`, `error` |\n| `local.store` | stores | `error` |\n| `cli` | main | everything |\n");
    Map<String, List<String>> expected = new LinkedHashMap<>();
    expected.put("error", List.of());
    expected.put("output", List.of("matrix", "error"));
    expected.put("local", List.of("local.store", "error"));
    expected.put("local.store", List.of("error"));
    expected.put("cli", null);
    assertEquals(expected, rows);
  }

  @Test
  void everyPackageHasARowInTheTable() {
    TreeSet<String> missing = new TreeSet<>();
    for (JavaClass c : classes) {
      if (c.getPackageName().startsWith(ROOT + ".") && rowOf(c.getPackageName()).isEmpty()) {
        missing.add(c.getPackageName());
      }
    }
    assertEquals(new TreeSet<>(), missing, "packages without a row in " + DOCUMENT);
  }

  @Test
  void packagesDependOnlyOnWhatTheirRowAllows() {
    LayeredArchitecture layers = com.tngtech.archunit.library.Architectures.layeredArchitecture()
        .consideringOnlyDependenciesInLayers();
    for (String row : table.keySet()) {
      layers = layers.layer(row).definedBy(inRow(row));
    }
    for (Map.Entry<String, List<String>> e : table.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      LayeredArchitecture.LayerDependencySpecification spec = layers.whereLayer(e.getKey());
      layers = e.getValue().isEmpty()
          ? spec.mayNotAccessAnyLayer()
          : spec.mayOnlyAccessLayers(e.getValue().toArray(String[]::new));
    }
    layers.withOptionalLayers(true).check(classes);
  }

  @Test
  void topLevelPackagesAreFreeOfCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void localSubPackagesAreFreeOfCycles() {
    slices().matching(ROOT + ".local.(*)..").should().beFreeOfCycles().check(classes);
  }

  /**
   * {@code local} is an edge with a small front: outside it, only these of its types are used
   * ({@code cli} runs a job with them), as ARCHITECTURE.md says.
   */
  @Test
  void outsideLocalOnlyItsEntryTypesAreUsed() {
    List<String> entries = List.of("local.LocalTrainingJob", "local.JobSummary", "local.host.HostLauncher",
        "local.host.ProcessLauncher", "local.host.ContainerLauncher", "local.plan.TrainingJobRequest",
        "local.store.ObjectStores");
    DescribedPredicate<JavaClass> inner = DescribedPredicate.describe("are local types other than " + entries,
        (JavaClass c) -> c.getPackageName().startsWith(ROOT + ".local")
            && entries.stream().noneMatch(e -> c.getName().equals(ROOT + "." + e)
                || c.getName().startsWith(ROOT + "." + e + "$")));
    noClasses().that().resideOutsideOfPackage(ROOT + ".local..")
        .should().dependOnClassesThat(inner)
        .check(classes);
  }

  /** Third-party types stay in the packages ARCHITECTURE.md names for them. */
  @Test
  void thirdPartyTypesStayInTheirPackages() {
    confined("xgboost4j", "ml.dmlc.xgboost4j..", "matrix", "train", "distributed", "output", "serve");
    confined("AWT", "java.awt..", "report");
    confined("JFreeChart", "org.jfree..", "report");
    confined("Jetty", "org.eclipse.jetty..", "serve");
    confined("the AWS SDK", "software.amazon.awssdk..", "local.store");
    confined("Parquet", "org.apache.parquet..", "data.parquet");
    confined("Hadoop", "org.apache.hadoop..", "data.parquet");
    confined("protobuf", "com.google.protobuf..", "data.recordio");
    confined("commons-csv", "org.apache.commons.csv..", "data");
    confined("picocli", "picocli..", "cli");
  }

  private static void confined(String library, String packages, String... rows) {
    List<String> allowed = Arrays.asList(rows);
    noClasses()
        .that(DescribedPredicate.describe("are outside " + allowed,
            (JavaClass c) -> rowOf(c.getPackageName()).filter(allowed::contains).isEmpty()))
        .should().dependOnClassesThat().resideInAPackage(packages)
        .because(library + " types belong in " + String.join(", ", allowed) + " (ARCHITECTURE.md)")
        .check(classes);
  }
}
