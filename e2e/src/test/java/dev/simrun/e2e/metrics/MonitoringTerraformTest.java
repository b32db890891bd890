package dev.simrun.e2e.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.metrics.ApiMetricNames;
import dev.simrun.worker.chunks.ChunkMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alert policies and the dashboard in {@code infra/monitoring.tf} use only metrics the services
 * declare and {@code docs/metrics.md} documents, so that a renamed meter cannot leave an alert that
 * never fires. Offline: it reads the files; {@link MetricsEndToEndTest} checks the names against
 * what the running services serve, and each service's metrics test that every declared name is
 * served.
 */
class MonitoringTerraformTest {
  static final Path MONITORING = Path.of("..", "infra", "monitoring.tf");
  static final Path DOCS = Path.of("..", "docs", "metrics.md");
  static final Pattern METRIC =
      Pattern.compile("\\b((?:simrun|hikaricp|http_server_requests|jvm|process)_[a-z0-9_]+)");

  /** Every metric name monitoring.tf's queries use. */
  static Set<String> namesUsed() throws IOException {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(Files.readString(MONITORING));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** A histogram's series by the histogram's name. */
  static String baseName(String name) {
    return name.replaceAll("_(bucket|count|sum|max)$", "");
  }

  /** The names SimRun's own meters have, as the services declare them. */
  static Set<String> declared() {
    Set<String> names = new TreeSet<>(ApiMetricNames.ALL);
    names.addAll(ChunkMetrics.PROMETHEUS_NAMES);
    return names;
  }

  @Test
  void theTerraformUsesMetrics() throws IOException {
    assertThat(namesUsed())
        .contains(
            "simrun_outbox_backlog",
            "simrun_chunks_dead_lettered_total",
            "simrun_event_delivery_seconds_bucket");
  }

  @Test
  void everyOwnMetricTheTerraformUsesIsDeclaredByAService() throws IOException {
    for (String name : namesUsed()) {
      if (name.startsWith("simrun_")) {
        assertThat(declared()).as(name).contains(baseName(name));
      }
    }
  }

  @Test
  void everyMetricTheTerraformUsesIsDocumented() throws IOException {
    String docs = Files.readString(DOCS);
    for (String name : namesUsed()) {
      assertThat(docs).as(name + " in docs/metrics.md").contains("`" + baseName(name));
    }
  }

  @Test
  void everyDeclaredMetricIsDocumented() throws IOException {
    String docs = Files.readString(DOCS);
    for (String name : declared()) {
      assertThat(docs).as(name + " in docs/metrics.md").contains("`" + name + "`");
    }
  }
}
