package dev.simrun.api.batches;

import dev.simrun.shared.simulations.Sql;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code batches} table: definitions, written by operators. */
@Singleton
class BatchStore {
  private static final String COLUMNS =
      "name, owner, templates::text AS templates, overlap, deadline_seconds, fail_fast_first,"
          + " version, created_at, updated_at";

  private final TransactionOperations<Connection> tx;
  private final Clock clock;

  BatchStore(TransactionOperations<Connection> tx, Clock clock) {
    this.tx = tx;
    this.clock = clock;
  }

  /** What {@link #put} did. */
  record Put(BatchDefinition batch, boolean created) {}

  /** Thrown by {@link #put} when there are as many batches as there may be. */
  static final class TooManyBatches extends RuntimeException {
    TooManyBatches(long count) {
      super(count + " batches are defined, the most there may be; delete one first");
    }
  }

  /**
   * Creates or replaces the batch {@code name}; a replacement takes effect at the next run (runs
   * going on keep the simulations they created).
   */
  Put put(
      String name,
      String owner,
      String templates,
      Overlap overlap,
      @Nullable Duration deadline,
      int failFastFirst,
      int maxBatches) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          Instant now = clock.instant();
          // Creations take turns, so the count below is exact.
          try (PreparedStatement ps =
                  Sql.prepare(c, "SELECT pg_advisory_xact_lock(hashtext('simrun.batches'))");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
          }
          boolean exists = find(c, name, false).isPresent();
          if (!exists) {
            try (PreparedStatement ps = Sql.prepare(c, "SELECT count(*) FROM batches");
                ResultSet rs = ps.executeQuery()) {
              rs.next();
              if (rs.getLong(1) >= maxBatches) {
                throw new TooManyBatches(rs.getLong(1));
              }
            }
          }
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      """
                      INSERT INTO batches (name, owner, templates, overlap, deadline_seconds,
                          fail_fast_first, created_at, updated_at)
                      VALUES (?, ?, ?::jsonb, ?, ?, ?, ?, ?)
                      ON CONFLICT (name) DO UPDATE SET owner = excluded.owner,
                          templates = excluded.templates, overlap = excluded.overlap,
                          deadline_seconds = excluded.deadline_seconds,
                          fail_fast_first = excluded.fail_fast_first,
                          version = batches.version + 1, updated_at = excluded.updated_at
                      RETURNING\s"""
                          + COLUMNS,
                      name,
                      owner,
                      templates,
                      overlap.wire(),
                      deadline == null ? null : deadline.toSeconds(),
                      failFastFirst,
                      now,
                      now);
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Put(read(rs), !exists);
          }
        });
  }

  Optional<BatchDefinition> find(String name) {
    return tx.executeRead(st -> find(st.getConnection(), name, false));
  }

  /** The batch, its row locked until the caller's transaction ends: its triggers take turns. */
  Optional<BatchDefinition> lock(Connection c, String name) throws SQLException {
    return find(c, name, true);
  }

  private static Optional<BatchDefinition> find(Connection c, String name, boolean lock)
      throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                "SELECT " + COLUMNS + " FROM batches WHERE name = ?" + (lock ? " FOR UPDATE" : ""),
                name);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(read(rs)) : Optional.empty();
    }
  }

  List<BatchDefinition> list() {
    return tx.executeRead(
        st -> {
          List<BatchDefinition> all = new ArrayList<>();
          try (PreparedStatement ps =
                  Sql.prepare(
                      st.getConnection(), "SELECT " + COLUMNS + " FROM batches ORDER BY name");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              all.add(read(rs));
            }
          }
          return all;
        });
  }

  /** Deletes the definition; its runs stay, and those going on go on. False when there was none. */
  boolean delete(String name) {
    return tx.executeWrite(
        st -> Sql.update(st.getConnection(), "DELETE FROM batches WHERE name = ?", name) == 1);
  }

  private static BatchDefinition read(ResultSet rs) throws SQLException {
    Long seconds = Sql.nullableLong(rs, "deadline_seconds");
    return new BatchDefinition(
        rs.getString("name"),
        rs.getString("owner"),
        rs.getString("templates"),
        Overlap.fromWire(rs.getString("overlap")).orElseThrow(),
        seconds == null ? null : Duration.ofSeconds(seconds),
        rs.getInt("fail_fast_first"),
        rs.getLong("version"),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "updated_at"));
  }
}
