package dev.simrun.shared.simulations;

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
import java.util.UUID;

/**
 * Chunks as workers claim and commit them. A claim is one guarded UPDATE that bumps the attempt
 * number; a commit is guarded by that attempt, so a stale or duplicate delivery changes nothing.
 */
@Singleton
public class ChunkStore {
  private final TransactionOperations<Connection> tx;
  private final Clock clock;
  private final QueueNames queues;

  public ChunkStore(TransactionOperations<Connection> tx, Clock clock, QueueNames queues) {
    this.tx = tx;
    this.clock = clock;
    this.queues = queues;
  }

  /** What a delivery found. */
  public sealed interface Claim {}

  /** This delivery runs the chunk, as attempt {@code attempt}. */
  public record Claimed(
      UUID simulationId,
      int chunkIndex,
      int attempt,
      long unitFrom,
      long unitTo,
      String kind,
      String paramsJson)
      implements Claim {}

  /** Nothing to do: the chunk is finished, superseded by a newer generation, or unknown. */
  public record NothingToDo(String why) implements Claim {}

  /** Another attempt holds a live lease: try again later. */
  public record Busy(Instant leaseUntil) implements Claim {}

  public Claim claim(UUID simulationId, int chunkIndex, int generation, Duration lease) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          Instant now = clock.instant();
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      """
                      UPDATE chunks AS c
                      SET status = 'RUNNING', attempt = c.attempt + 1, lease_until = ?,
                          started_at = COALESCE(c.started_at, ?)
                      FROM simulations AS s
                      WHERE c.simulation_id = ? AND c.idx = ? AND c.generation = ?
                        AND s.id = c.simulation_id AND s.status IN ('QUEUED', 'RUNNING')
                        AND (c.status = 'PENDING' OR (c.status = 'RUNNING' AND c.lease_until < ?))
                      RETURNING c.attempt, c.unit_from, c.unit_to, s.kind, s.params::text AS params,
                          s.status AS simulation_status
                      """,
                      now.plus(lease),
                      now,
                      simulationId,
                      chunkIndex,
                      generation,
                      now);
              ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              if (rs.getString("simulation_status").equals("QUEUED")) {
                Sql.update(
                    c,
                    "UPDATE simulations SET status = 'RUNNING', started_at = ?"
                        + " WHERE id = ? AND status = 'QUEUED'",
                    now,
                    simulationId);
              }
              return new Claimed(
                  simulationId,
                  chunkIndex,
                  rs.getInt("attempt"),
                  rs.getLong("unit_from"),
                  rs.getLong("unit_to"),
                  rs.getString("kind"),
                  rs.getString("params"));
            }
          }
          return whyNot(c, simulationId, chunkIndex, generation, now);
        });
  }

  private static Claim whyNot(
      Connection c, UUID simulationId, int chunkIndex, int generation, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                """
                SELECT c.status, c.generation, c.lease_until, s.status AS simulation_status
                FROM chunks c JOIN simulations s ON s.id = c.simulation_id
                WHERE c.simulation_id = ? AND c.idx = ?
                """,
                simulationId,
                chunkIndex);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return new NothingToDo("no such chunk");
      }
      if (rs.getInt("generation") != generation) {
        return new NothingToDo("stale generation " + generation);
      }
      ChunkStatus status = ChunkStatus.valueOf(rs.getString("status"));
      if (status.terminal()) {
        return new NothingToDo("chunk already " + status);
      }
      String simulation = rs.getString("simulation_status");
      if (!simulation.equals("QUEUED") && !simulation.equals("RUNNING")) {
        return new NothingToDo("simulation is " + simulation);
      }
      Instant lease = Sql.instant(rs, "lease_until");
      return new Busy(lease == null ? now : lease);
    }
  }

  /** What a commit did. */
  public sealed interface Commit {}

  /**
   * The result is stored. {@code finalizeOutboxId} is set when this commit completed the last
   * outstanding chunk: the finalize task is then in the outbox, to be created once.
   */
  public record Committed(Long finalizeOutboxId) implements Commit {}

  /** A newer attempt owns the chunk (or it was cancelled): this result is dropped. */
  public record Superseded() implements Commit {}

  public Commit commitSuccess(UUID simulationId, int chunkIndex, int attempt, byte[] result) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          Instant now = clock.instant();
          int updated =
              Sql.update(
                  c,
                  """
                  UPDATE chunks
                  SET status = 'SUCCEEDED', result = ?, progress = 1, finished_at = ?,
                      lease_until = NULL, error = NULL
                  WHERE simulation_id = ? AND idx = ? AND attempt = ? AND status = 'RUNNING'
                  """,
                  result,
                  now,
                  simulationId,
                  chunkIndex,
                  attempt);
          if (updated == 0) {
            return new Superseded();
          }
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      "UPDATE simulations SET chunks_done = chunks_done + 1 WHERE id = ?"
                          + " RETURNING chunks_done, chunk_count, priority",
                      simulationId);
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getInt("chunks_done") < rs.getInt("chunk_count")) {
              return new Committed(null);
            }
            String queue = queues.forPriority(Priority.fromWire(rs.getString("priority")));
            try (PreparedStatement insert =
                    Sql.prepare(
                        c,
                        """
                        INSERT INTO outbox (simulation_id, task_type, generation, queue, available_at)
                        VALUES (?, 'finalize', 0, ?, ?) RETURNING id
                        """,
                        simulationId,
                        queue,
                        now);
                ResultSet id = insert.executeQuery()) {
              id.next();
              return new Committed(id.getLong(1));
            }
          }
        });
  }

  /**
   * Records how far attempt {@code attempt} got and extends its lease to now + {@code lease}: a
   * chunk that shows signs of life keeps its claim. False when the attempt no longer owns the
   * chunk.
   */
  public boolean reportProgress(
      UUID simulationId, int chunkIndex, int attempt, double fractionDone, Duration lease) {
    return tx.executeWrite(
        st ->
            Sql.update(
                    st.getConnection(),
                    """
                    UPDATE chunks SET progress = ?, lease_until = GREATEST(lease_until, ?)
                    WHERE simulation_id = ? AND idx = ? AND attempt = ? AND status = 'RUNNING'
                    """,
                    fractionDone,
                    clock.instant().plus(lease),
                    simulationId,
                    chunkIndex,
                    attempt)
                == 1);
  }

  /**
   * Gives the chunk back after attempt {@code attempt} failed (RUNNING to PENDING, lease dropped,
   * error kept), so the next delivery claims it at once instead of waiting for the lease. False
   * when the attempt no longer owns the chunk.
   */
  public boolean release(UUID simulationId, int chunkIndex, int attempt, String error) {
    return tx.executeWrite(
        st ->
            Sql.update(
                    st.getConnection(),
                    """
                    UPDATE chunks SET status = 'PENDING', lease_until = NULL, progress = 0, error = ?
                    WHERE simulation_id = ? AND idx = ? AND attempt = ? AND status = 'RUNNING'
                    """,
                    error,
                    simulationId,
                    chunkIndex,
                    attempt)
                == 1);
  }

  /** What finalizing needs: the kind, its parameters, and every chunk's result in chunk order. */
  public record Finalization(
      String kind, String paramsJson, SimulationStatus status, List<byte[]> chunkResults) {}

  public Finalization loadForFinalize(UUID simulationId) {
    return tx.executeRead(
        st -> {
          Connection c = st.getConnection();
          String kind;
          String params;
          SimulationStatus status;
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      "SELECT kind, params::text AS params, status FROM simulations WHERE id = ?",
                      simulationId);
              ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return null;
            }
            kind = rs.getString("kind");
            params = rs.getString("params");
            status = SimulationStatus.valueOf(rs.getString("status"));
          }
          List<byte[]> results = new ArrayList<>();
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      "SELECT status, result FROM chunks WHERE simulation_id = ? ORDER BY idx",
                      simulationId);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              results.add(
                  rs.getString("status").equals("SUCCEEDED") ? rs.getBytes("result") : null);
            }
          }
          return new Finalization(kind, params, status, results);
        });
  }

  /** Sets SUCCEEDED with the final result; true only for the one call that made the change. */
  public boolean finalizeSucceeded(UUID simulationId, byte[] result) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          Instant now = clock.instant();
          int updated =
              Sql.update(
                  c,
                  """
                  UPDATE simulations
                  SET status = 'SUCCEEDED', result = ?, finished_at = ?, event_seq = event_seq + 1
                  WHERE id = ? AND status IN ('QUEUED', 'RUNNING')
                  """,
                  result,
                  now,
                  simulationId);
          if (updated == 1) {
            Sql.update(
                c,
                """
                INSERT INTO simulation_events (simulation_id, seq, type, payload, created_at)
                SELECT id, event_seq, 'simulation.succeeded', '{}'::jsonb, ? FROM simulations
                WHERE id = ?
                """,
                now,
                simulationId);
          }
          return updated == 1;
        });
  }
}
