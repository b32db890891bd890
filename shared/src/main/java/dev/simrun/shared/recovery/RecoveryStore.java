package dev.simrun.shared.recovery;

import dev.simrun.shared.simulations.ChunkTransitions;
import dev.simrun.shared.simulations.QueueNames;
import dev.simrun.shared.simulations.SimulationStatus;
import dev.simrun.shared.simulations.Sql;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;

/** The chunks the reconciler looks at, and their dispatch under a new generation. */
@Singleton
public class RecoveryStore {
  private final TransactionOperations<Connection> tx;
  private final Clock clock;
  private final QueueNames queues;
  private final ChunkTransitions chunks;

  public RecoveryStore(
      TransactionOperations<Connection> tx,
      Clock clock,
      QueueNames queues,
      ChunkTransitions chunks) {
    this.tx = tx;
    this.clock = clock;
    this.queues = queues;
    this.chunks = chunks;
  }

  /** A chunk of a running simulation that may have no live task: its current task's address. */
  public record Candidate(UUID simulationId, int chunkIndex, int generation, String queue) {}

  /**
   * Chunks of queued or running simulations with no outbox row that have waited longer than {@code
   * quietFor}: PENDING since their simulation was created (or since their first claim), or RUNNING
   * with a lease that ended that long ago. Oldest simulations first.
   */
  public List<Candidate> candidates(Duration quietFor, int limit) {
    return tx.executeRead(
        st -> {
          Instant before = clock.instant().minus(quietFor);
          try (PreparedStatement ps =
                  Sql.prepare(
                      st.getConnection(),
                      """
                      SELECT c.simulation_id, c.idx, c.generation, s.priority, s.kind
                      FROM simulations s JOIN chunks c ON c.simulation_id = s.id
                      WHERE s.status IN ('QUEUED', 'RUNNING')
                        AND ((c.status = 'PENDING'
                              AND coalesce(c.started_at, s.created_at) < ?)
                          OR (c.status = 'RUNNING' AND c.lease_until < ?))
                        AND NOT EXISTS (SELECT 1 FROM outbox o
                                        WHERE o.simulation_id = c.simulation_id
                                          AND o.chunk_idx = c.idx)
                      ORDER BY s.created_at, c.idx
                      LIMIT ?
                      """,
                      before,
                      before,
                      limit);
              ResultSet rs = ps.executeQuery()) {
            List<Candidate> found = new ArrayList<>();
            while (rs.next()) {
              found.add(
                  new Candidate(
                      rs.getObject("simulation_id", UUID.class),
                      rs.getInt("idx"),
                      rs.getInt("generation"),
                      queues.forSimulation(rs.getString("priority"), rs.getString("kind"))));
            }
            return found;
          }
        });
  }

  /** A running simulation whose chunks have all ended: the finalize task it should have. */
  public record Unfinalized(UUID simulationId, int generation, String queue) {}

  /**
   * Running simulations whose chunks have all ended more than {@code quietFor} ago, with no
   * finalize row in the outbox: their finalize task may be gone (its attempts ran out, or it was
   * deleted in Console).
   */
  public List<Unfinalized> unfinalized(Duration quietFor, int limit) {
    return tx.executeRead(
        st -> {
          try (PreparedStatement ps =
                  Sql.prepare(
                      st.getConnection(),
                      """
                      SELECT s.id, s.generation
                      FROM simulations s
                      WHERE s.status IN ('QUEUED', 'RUNNING') AND s.chunks_done >= s.chunk_count
                        AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.simulation_id = s.id
                                          AND o.task_type = 'finalize')
                        AND (SELECT max(c.finished_at) FROM chunks c
                             WHERE c.simulation_id = s.id) < ?
                      ORDER BY s.created_at
                      LIMIT ?
                      """,
                      clock.instant().minus(quietFor),
                      limit);
              ResultSet rs = ps.executeQuery()) {
            List<Unfinalized> found = new ArrayList<>();
            while (rs.next()) {
              found.add(
                  new Unfinalized(
                      rs.getObject("id", UUID.class),
                      rs.getInt("generation"),
                      queues.finalizeQueue()));
            }
            return found;
          }
        });
  }

  /**
   * Enqueues the simulation's finalize anew under the next generation (a task name Cloud Tasks has
   * not seen); false when it moved on meanwhile (finalized, or re-enqueued by another reconciler).
   */
  public boolean refinalize(Unfinalized u) {
    return tx.executeWrite(
        st -> {
          Connection conn = st.getConnection();
          Instant now = clock.instant();
          try (PreparedStatement ps =
                  Sql.prepare(
                      conn,
                      """
                      UPDATE simulations SET generation = generation + 1
                      WHERE id = ? AND generation = ? AND status = ANY (?)
                      RETURNING generation
                      """,
                      u.simulationId(),
                      u.generation(),
                      SimulationStatus.runningChunks());
              ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return false;
            }
            Sql.update(
                conn,
                """
                INSERT INTO outbox (simulation_id, task_type, generation, queue, available_at)
                VALUES (?, 'finalize', ?, ?, ?)
                """,
                u.simulationId(),
                rs.getInt(1),
                u.queue(),
                now);
            return true;
          }
        });
  }

  /**
   * Gives the chunk a new generation (a new task name, so the old one's late deliveries find
   * nothing to do) and an outbox row for it, in one transaction; false when the chunk moved on
   * meanwhile (claimed, finished, or dispatched anew by another reconciler).
   */
  public boolean redispatch(Candidate c) {
    return tx.executeWrite(
        st -> {
          Connection conn = st.getConnection();
          Instant now = clock.instant();
          OptionalInt generation =
              chunks.redispatch(conn, c.simulationId(), c.chunkIndex(), c.generation(), now);
          if (generation.isEmpty()) {
            return false;
          }
          Sql.update(
              conn,
              """
              INSERT INTO outbox (simulation_id, task_type, chunk_idx, generation, queue,
                  available_at)
              VALUES (?, 'chunk', ?, ?, ?, ?)
              """,
              c.simulationId(),
              c.chunkIndex(),
              generation.getAsInt(),
              c.queue(),
              now);
          return true;
        });
  }
}
