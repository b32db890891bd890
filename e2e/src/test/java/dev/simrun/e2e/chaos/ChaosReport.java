package dev.simrun.e2e.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one scenario, written to {@code target/chaos/<scenario>.md} as a Markdown table
 * (rewritten after every row, so a failing run leaves what it measured).
 */
final class ChaosReport {
  static final Path DIR = Path.of("target", "chaos");

  private final Path file;
  private final String title;
  private final List<String> notes = new ArrayList<>();
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  ChaosReport(String scenario, String title, String... columns) {
    this.file = DIR.resolve(scenario + ".md");
    this.title = title;
    this.header = List.of(columns);
    note("seed " + ChaosStacks.SEED + ", " + Instant.now());
  }

  ChaosReport note(String note) {
    notes.add(note);
    write();
    return this;
  }

  ChaosReport row(Object... cells) {
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(String.valueOf(cell));
    }
    rows.add(row);
    write();
    return this;
  }

  private void write() {
    StringBuilder md = new StringBuilder("## ").append(title).append("\n\n");
    for (String note : notes) {
      md.append("- ").append(note).append('\n');
    }
    md.append('\n');
    if (!header.isEmpty()) {
      md.append("| ").append(String.join(" | ", header)).append(" |\n");
      md.append("|").append(" --- |".repeat(header.size())).append('\n');
      for (List<String> row : rows) {
        md.append("| ").append(String.join(" | ", row)).append(" |\n");
      }
    }
    try {
      Files.createDirectories(DIR);
      Files.writeString(file, md);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
