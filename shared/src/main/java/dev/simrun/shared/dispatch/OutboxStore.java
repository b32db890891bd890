package dev.simrun.shared.dispatch;

import dev.simrun.shared.tracing.TraceContext;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The outbox as dispatchers drain it. A claimed row comes with its simulation's trace context (one
 * primary-key lookup per row, outside the claim's plan), for the task's traceparent header.
 * Claiming rows is a short transaction with {@code SKIP LOCKED} and a claim deadline, so several
 * api instances drain in parallel without holding a transaction open while Cloud Tasks answers.
 */
@Singleton
public class OutboxStore {
  private final TransactionOperations<Connection> tx;
  private final Clock clock;

  public OutboxStore(TransactionOperations<Connection> tx, Clock clock) {
    this.tx = tx;
    this.clock = clock;
  }

  /**
   * Claims up to {@code limit} due rows with ids above {@code afterId} for {@code claimFor}; rows
   * by id, oldest first. Starting after the last id a drain claimed keeps each claim an index range
   * scan: the rows already dispatched leave dead tuples at the head of the table, and a claim that
   * started from the first id would walk over all of them every time.
   *
   * <p>The ids are picked inside {@code ARRAY(…)}, which PostgreSQL evaluates exactly once. Written
   * as {@code id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)}, a plan made while the outbox was
   * empty re-runs the subquery for every row of the table and claims all of them, each run skipping
   * the rows the previous ones locked (OutboxClaimPlanTest).
   */
  public List<OutboxRow> claimDue(int limit, Duration claimFor, long afterId) {
    return tx.executeWrite(
        st -> {
          Instant now = clock.instant();
          try (PreparedStatement ps =
              st.getConnection()
                  .prepareStatement(
                      """
              UPDATE outbox SET claimed_until = ?
              WHERE id = ANY (ARRAY(
                  SELECT id FROM outbox
                  WHERE id > ? AND available_at <= ?
                    AND (claimed_until IS NULL OR claimed_until < ?)
                  ORDER BY id LIMIT ?
                  FOR UPDATE SKIP LOCKED))
              RETURNING id, simulation_id, task_type, chunk_idx, generation, queue,
                  (SELECT traceparent FROM simulations s WHERE s.id = outbox.simulation_id) AS traceparent,
                  (SELECT tracestate FROM simulations s WHERE s.id = outbox.simulation_id) AS tracestate
              """)) {
            ps.setTimestamp(1, Timestamp.from(now.plus(claimFor)));
            ps.setLong(2, afterId);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setInt(5, limit);
            List<OutboxRow> rows = rows(ps);
            rows.sort((a, b) -> Long.compare(a.id(), b.id()));
            return rows;
          }
        });
  }

  /** Rows whose task exists now: one statement for the whole batch. */
  public void delete(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return;
    }
    tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          Array array = c.createArrayOf("bigint", ids.toArray());
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE id = ANY (?)")) {
            ps.setArray(1, array);
            return ps.executeUpdate();
          }
        });
  }

  /** A row whose CreateTask failed: due again after {@code retryIn}. */
  public void release(long id, String error, Duration retryIn) {
    tx.executeWrite(
        st -> {
          try (PreparedStatement ps =
              st.getConnection()
                  .prepareStatement(
                      "UPDATE outbox SET claimed_until = NULL, available_at = ?,"
                          + " attempts = attempts + 1, last_error = ? WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant().plus(retryIn)));
            ps.setString(2, error);
            ps.setLong(3, id);
            return ps.executeUpdate();
          }
        });
  }

  /** The row {@code id} if it is still there (e.g. a finalize row a worker could not send). */
  public List<OutboxRow> claim(long id, Duration claimFor) {
    return tx.executeWrite(
        st -> {
          Instant now = clock.instant();
          try (PreparedStatement ps =
              st.getConnection()
                  .prepareStatement(
                      """
                      UPDATE outbox SET claimed_until = ?
                      WHERE id = ? AND (claimed_until IS NULL OR claimed_until < ?)
                      RETURNING id, simulation_id, task_type, chunk_idx, generation, queue,
                        (SELECT traceparent FROM simulations s WHERE s.id = outbox.simulation_id)
                            AS traceparent,
                        (SELECT tracestate FROM simulations s WHERE s.id = outbox.simulation_id)
                            AS tracestate
                      """)) {
            ps.setTimestamp(1, Timestamp.from(now.plus(claimFor)));
            ps.setLong(2, id);
            ps.setTimestamp(3, Timestamp.from(now));
            List<OutboxRow> rows = rows(ps);
            return rows;
          }
        });
  }

  private static List<OutboxRow> rows(PreparedStatement ps) throws SQLException {
    List<OutboxRow> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        int idx = rs.getInt("chunk_idx");
        Integer chunk = rs.wasNull() ? null : idx;
        rows.add(
            new OutboxRow(
                rs.getLong("id"),
                rs.getObject("simulation_id", UUID.class),
                rs.getString("task_type"),
                chunk,
                rs.getInt("generation"),
                rs.getString("queue"),
                TraceContext.of(rs.getString("traceparent"), rs.getString("tracestate"))));
      }
    }
    return rows;
  }
}
