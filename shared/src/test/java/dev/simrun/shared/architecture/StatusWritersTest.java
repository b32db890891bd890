package dev.simrun.shared.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Only the two transition components write a status: {@code SimulationTransitions} that of
 * simulations, {@code ChunkTransitions} that of chunks (decision 0020). Checked on the text of
 * every module's main sources and migrations, where the SQL is: an {@code UPDATE
 * simulations|chunks} whose {@code SET} names {@code status}, anywhere else, fails the build. So
 * does a call of a database function that writes a status from anywhere but {@code
 * ChunkTransitions}, and a status written as a literal in the newest definition of such a function
 * (its statuses come from the tables, as parameters).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusWritersTest {
  private static final Pattern STATUS_UPDATE =
      Pattern.compile(
          "\\bUPDATE\\s+(simulations|chunks)\\b(?:\\s+(?:AS\\s+)?\\w+)?\\s+SET\\s+(.*?)"
              + "(?=\\bWHERE\\b|\\bFROM\\b|\\bRETURNING\\b|;|\"|$)",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern SETS_STATUS =
      Pattern.compile("(?:^|,)\\s*status\\s*=", Pattern.CASE_INSENSITIVE);
  private static final Pattern STATUS_INSERT =
      Pattern.compile(
          "\\bINSERT\\s+INTO\\s+(simulations|chunks)\\s*\\(([^)]*)\\)", Pattern.CASE_INSENSITIVE);
  private static final Pattern FUNCTION =
      Pattern.compile(
          "CREATE\\s+(?:OR\\s+REPLACE\\s+)?FUNCTION\\s+(\\w+)\\s*\\((.*?)\\$\\$(.*?)\\$\\$",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern STATUS_LITERAL =
      Pattern.compile("'(QUEUED|RUNNING|SUCCEEDED|FAILED|CANCELLING|CANCELLED|PARTIAL|PENDING)'");

  private Path root;
  private final Map<String, String> mainSources = new TreeMap<>();

  /** Migrations in version order. */
  private final Map<String, String> migrations =
      new TreeMap<>(Comparator.comparingInt(StatusWritersTest::version));

  /** Each module's {@code src/main}, from the repository's root (the parent of this module). */
  @BeforeAll
  void read() throws IOException {
    root = Path.of("").toAbsolutePath();
    while (root.getParent() != null && Files.exists(root.getParent().resolve("pom.xml"))) {
      root = root.getParent();
    }
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(Files::isRegularFile)
          .filter(f -> !f.toString().contains("/target/") && !f.toString().contains("/.git/"))
          .filter(f -> root.relativize(f).toString().contains("src/main/"))
          .forEach(
              f -> {
                String name = root.relativize(f).toString();
                if (name.endsWith(".java")) {
                  mainSources.put(name, joined(read(f)));
                } else if (name.endsWith(".sql") && name.contains("db/migration/")) {
                  migrations.put(name, read(f));
                }
              });
    }
    assertThat(mainSources.keySet()).anyMatch(n -> n.endsWith("ChunkTransitions.java"));
    assertThat(migrations).isNotEmpty();
  }

  @Test
  void onlyTheTransitionComponentsWriteAStatus() {
    List<String> sites = new ArrayList<>();
    List<String> elsewhere = new ArrayList<>();
    for (var source : mainSources.entrySet()) {
      for (String table : statusUpdates(source.getValue())) {
        String site = source.getKey() + ": UPDATE " + table + " SET status";
        sites.add(site);
        boolean owner =
            source.getKey().endsWith("/SimulationTransitions.java") && table.equals("simulations")
                || source.getKey().endsWith("/ChunkTransitions.java") && table.equals("chunks");
        if (!owner) {
          elsewhere.add(site);
        }
      }
    }
    assertThat(elsewhere).as("status written outside the transition components").isEmpty();
    assertThat(sites)
        .as("the scan finds the transitions' own updates")
        .anyMatch(s -> s.contains("SimulationTransitions"))
        .anyMatch(s -> s.contains("ChunkTransitions"));
  }

  @Test
  void onlyASubmissionCreatesARowWithItsStatus() {
    List<String> inserts = new ArrayList<>();
    for (var source : mainSources.entrySet()) {
      Matcher m = STATUS_INSERT.matcher(source.getValue());
      while (m.find()) {
        if (Pattern.compile("\\bstatus\\b").matcher(m.group(2)).find()) {
          inserts.add(source.getKey() + ": INSERT INTO " + m.group(1).toLowerCase(Locale.ROOT));
        }
      }
    }
    assertThat(inserts)
        .as("a simulation is created QUEUED by its submission; a chunk PENDING by default")
        .allMatch(s -> s.contains("/SimulationStore.java: INSERT INTO simulations"));
  }

  @Test
  void databaseFunctionsWriteAStatusOnlyThroughChunkTransitions() {
    Map<String, String> newest = new TreeMap<>();
    for (var migration : migrations.entrySet()) {
      String withoutFunctions = FUNCTION.matcher(migration.getValue()).replaceAll("");
      assertThat(statusUpdates(withoutFunctions))
          .as(migration.getKey() + " writes a status outside a function")
          .isEmpty();
      Matcher f = FUNCTION.matcher(migration.getValue());
      while (f.find()) {
        if (!statusUpdates(f.group(3)).isEmpty()) {
          // In version order: the last migration that defines a name holds the newest.
          newest.put(f.group(1).toLowerCase(Locale.ROOT), migration.getKey() + "\n" + f.group(3));
        }
      }
    }
    assertThat(newest).as("the commit function writes statuses").isNotEmpty();
    for (var function : newest.entrySet()) {
      assertThat(STATUS_LITERAL.matcher(function.getValue()).results().map(MatchResult::group))
          .as("statuses in the newest " + function.getKey() + " come as parameters")
          .isEmpty();
      List<String> callers =
          mainSources.entrySet().stream()
              .filter(s -> s.getValue().toLowerCase(Locale.ROOT).contains(function.getKey() + "("))
              .map(Map.Entry::getKey)
              .toList();
      assertThat(callers)
          .as(function.getKey() + " is called only by ChunkTransitions")
          .singleElement()
          .satisfies(c -> assertThat(c).endsWith("/ChunkTransitions.java"));
    }
  }

  /** The tables whose status each {@code UPDATE … SET status = …} in {@code text} writes. */
  private static List<String> statusUpdates(String text) {
    List<String> tables = new ArrayList<>();
    Matcher m = STATUS_UPDATE.matcher(text);
    while (m.find()) {
      if (SETS_STATUS.matcher(m.group(2)).find()) {
        tables.add(m.group(1).toLowerCase(Locale.ROOT));
      }
    }
    return tables;
  }

  private static int version(String migration) {
    Matcher m = Pattern.compile("/V(\\d+)__[^/]*$").matcher(migration);
    if (!m.find()) {
      throw new IllegalArgumentException("not a versioned migration: " + migration);
    }
    return Integer.parseInt(m.group(1));
  }

  /** Java source with string concatenations joined, so SQL split over {@code " + "} reads whole. */
  private static String joined(String java) {
    return java.replaceAll("\"\\s*\\+\\s*\"", "");
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
