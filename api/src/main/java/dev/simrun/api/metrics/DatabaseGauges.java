package dev.simrun.api.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges read from the database on a timer ({@code simrun.metrics.refresh-interval}, default 15 s),
 * never per scrape: the outbox backlog, unfinished simulations by status, and each batch's latest
 * run. Each query is cheap by an index: the outbox is short, the active statuses have a partial
 * index, and a batch's latest run is one index probe per batch (at most 200). Every api instance
 * reports the same values: aggregate them with {@code max}, not {@code sum} (docs/metrics.md).
 */
@Singleton
@Requires(bean = MeterRegistry.class)
class DatabaseGauges {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseGauges.class);
  private static final List<String> ACTIVE = List.of("QUEUED", "RUNNING", "CANCELLING");
  private static final List<String> RUN_STATUSES =
      List.of("RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "SKIPPED", "MISSED");

  private final TransactionOperations<Connection> tx;
  private final Clock clock;
  private final AtomicLong outbox = new AtomicLong();
  private final Map<String, AtomicLong> simulations = new LinkedHashMap<>();
  private final Rows runStart;
  private final Rows runEnd;
  private final Rows runDuration;
  private final Rows runStatus;
  private final Rows runSimulations;

  /**
   * The rows of one {@link MultiGauge}, kept from one refresh to the next: each row reads a holder
   * that a refresh updates, so a batch's meter stays registered while it exists. Re-registering the
   * rows each time (MultiGauge's overwrite) would remove and add every meter, and a scrape in
   * between would find the batch missing.
   */
  private static final class Rows {
    private final MultiGauge gauge;
    private final Map<Tags, AtomicDouble> values = new HashMap<>();
    private final Map<Tags, AtomicDouble> next = new LinkedHashMap<>();

    Rows(MultiGauge gauge) {
      this.gauge = gauge;
    }

    void put(Tags tags, double value) {
      AtomicDouble holder = values.getOrDefault(tags, new AtomicDouble());
      holder.set(value);
      next.put(tags, holder);
    }

    /** Publishes the rows put since the last call; a row not put again is removed. */
    void publish() {
      List<MultiGauge.Row<?>> rows = new ArrayList<>();
      next.forEach((tags, holder) -> rows.add(MultiGauge.Row.of(tags, holder, AtomicDouble::get)));
      gauge.register(rows, false);
      values.clear();
      values.putAll(next);
      next.clear();
    }
  }

  /** A double a gauge reads while the refresh writes it. */
  private static final class AtomicDouble {
    private volatile double value;

    void set(double value) {
      this.value = value;
    }

    double get() {
      return value;
    }
  }

  DatabaseGauges(TransactionOperations<Connection> tx, MeterRegistry registry, Clock clock) {
    this.tx = tx;
    this.clock = clock;
    Gauge.builder("simrun.outbox.backlog", outbox, AtomicLong::get)
        .description("Outbox rows whose Cloud Tasks task is not created yet")
        .register(registry);
    for (String status : ACTIVE) {
      AtomicLong n = new AtomicLong();
      simulations.put(status, n);
      Gauge.builder("simrun.simulations", n, AtomicLong::get)
          .description("Simulations not finished yet, by status")
          .tag("status", status)
          .register(registry);
    }
    runStart =
        new Rows(
            MultiGauge.builder("simrun.batch.last.run.start.time.seconds")
                .description("When each batch's latest run started (seconds since the epoch)")
                .register(registry));
    runEnd =
        new Rows(
            MultiGauge.builder("simrun.batch.last.run.end.time.seconds")
                .description(
                    "When each batch's latest run ended (seconds since the epoch); 0 while it runs")
                .register(registry));
    runDuration =
        new Rows(
            MultiGauge.builder("simrun.batch.last.run.duration.seconds")
                .description("How long each batch's latest run ran, or has run so far")
                .register(registry));
    runStatus =
        new Rows(
            MultiGauge.builder("simrun.batch.last.run.status")
                .description("1 for the status of each batch's latest run, 0 for the others")
                .register(registry));
    runSimulations =
        new Rows(
            MultiGauge.builder("simrun.batch.last.run.simulations")
                .description(
                    "The simulations of each batch's latest run: done, failed, timed_out,"
                        + " cancelled, running")
                .register(registry));
  }

  @Scheduled(
      fixedDelay = "${simrun.metrics.refresh-interval:15s}",
      initialDelay = "${simrun.metrics.refresh-interval:15s}")
  synchronized void refresh() {
    try {
      tx.executeRead(
          st -> {
            Connection c = st.getConnection();
            outbox.set(count(c, "SELECT count(*) FROM outbox"));
            readSimulations(c);
            readBatches(c);
            return null;
          });
    } catch (RuntimeException e) {
      LOG.warn("metrics from the database not refreshed: {}", e.toString());
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void readSimulations(Connection c) throws SQLException {
    Map<String, Long> found = new HashMap<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT status, count(*) FROM simulations"
                    + " WHERE status IN ('QUEUED', 'RUNNING', 'CANCELLING') GROUP BY status");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        found.put(rs.getString(1), rs.getLong(2));
      }
    }
    simulations.forEach((status, n) -> n.set(found.getOrDefault(status, 0L)));
  }

  private record LatestRun(
      String batch, UUID id, String status, double startSeconds, double endSeconds) {}

  private void readBatches(Connection c) throws SQLException {
    List<LatestRun> latest = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                """
                SELECT b.name, r.id, r.status,
                       extract(epoch FROM r.created_at), extract(epoch FROM r.ended_at)
                FROM batches b
                CROSS JOIN LATERAL (
                  SELECT id, status, created_at, ended_at FROM batch_runs
                  WHERE batch_name = b.name ORDER BY created_at DESC, id DESC LIMIT 1) r
                """);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        latest.add(
            new LatestRun(
                rs.getString(1),
                rs.getObject(2, UUID.class),
                rs.getString(3),
                rs.getDouble(4),
                rs.getDouble(5)));
      }
    }
    Map<UUID, Map<String, Long>> members = new HashMap<>();
    if (!latest.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT batch_run_id, status, count(*) FROM simulations"
                  + " WHERE batch_run_id = ANY(?) GROUP BY batch_run_id, status")) {
        ps.setArray(1, c.createArrayOf("uuid", latest.stream().map(LatestRun::id).toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            members
                .computeIfAbsent(rs.getObject(1, UUID.class), k -> new HashMap<>())
                .merge(rs.getString(2), rs.getLong(3), Long::sum);
          }
        }
      }
    }
    double now = clock.millis() / 1000.0;
    for (LatestRun run : latest) {
      Tags batch = Tags.of("batch", run.batch());
      runStart.put(batch, run.startSeconds());
      runEnd.put(batch, run.endSeconds());
      double until = run.endSeconds() > 0 ? run.endSeconds() : now;
      runDuration.put(batch, Math.max(0, until - run.startSeconds()));
      for (String status : RUN_STATUSES) {
        runStatus.put(batch.and("status", status), status.equals(run.status()) ? 1 : 0);
      }
      Map<String, Long> byStatus = members.getOrDefault(run.id(), Map.of());
      boolean timedOut = run.status().equals("TIMED_OUT");
      long cancelled = byStatus.getOrDefault("CANCELLED", 0L);
      Map<String, Long> outcome = new LinkedHashMap<>();
      outcome.put("done", byStatus.getOrDefault("SUCCEEDED", 0L));
      outcome.put(
          "failed", byStatus.getOrDefault("FAILED", 0L) + byStatus.getOrDefault("PARTIAL", 0L));
      outcome.put("timed_out", timedOut ? cancelled : 0L);
      outcome.put("cancelled", timedOut ? 0L : cancelled);
      outcome.put("running", ACTIVE.stream().mapToLong(s -> byStatus.getOrDefault(s, 0L)).sum());
      outcome.forEach((name, n) -> runSimulations.put(batch.and("outcome", name), n));
    }
    for (Rows rows : List.of(runStart, runEnd, runDuration, runStatus, runSimulations)) {
      rows.publish();
    }
  }
}
