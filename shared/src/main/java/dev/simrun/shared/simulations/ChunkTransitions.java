package dev.simrun.shared.simulations;

import static dev.simrun.shared.simulations.ChunkStatus.CANCELLED;
import static dev.simrun.shared.simulations.ChunkStatus.FAILED;
import static dev.simrun.shared.simulations.ChunkStatus.PENDING;
import static dev.simrun.shared.simulations.ChunkStatus.RUNNING;
import static dev.simrun.shared.simulations.ChunkStatus.SUCCEEDED;

import dev.simrun.shared.simulations.SimulationStore.PendingTask;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.Function;

/**
 * The only writer of a chunk's status. Each change is one guarded {@code UPDATE … WHERE status =
 * ANY (from) …} whose "from" set comes from {@link ChunkStatus}'s table, narrowed where several
 * changes lead to one status (a release and a replay both make a chunk PENDING, from RUNNING and
 * from FAILED); the attempt, generation or lease in the guard fences it further. Run in the
 * caller's transaction, or as a statement of its own outside one (claims and commits, decision
 * 0017); a guard that does not match is a normal answer and changes nothing.
 *
 * <p>A chunk is created PENDING (the column's default). The claim and the commit also change their
 * simulation (its start, the cancel's completion) in the same statement, with the statement text or
 * the guard {@link SimulationTransitions} gives them.
 */
@Singleton
public class ChunkTransitions {
  // The statuses each change may leave: the table's, narrowed where several changes lead to one.
  /** A claim takes a PENDING chunk, or a RUNNING one whose lease has lapsed. */
  static final EnumSet<ChunkStatus> CLAIMED_FROM = ChunkStatus.from(RUNNING);

  static final EnumSet<ChunkStatus> SUCCEEDED_FROM = ChunkStatus.from(SUCCEEDED);
  static final EnumSet<ChunkStatus> FAILED_FROM = ChunkStatus.from(FAILED);

  /** A failed attempt gives its chunk back for the retry. */
  static final EnumSet<ChunkStatus> RELEASED_FROM = ChunkStatus.from(PENDING, RUNNING);

  /** The reconciler's new generation of a chunk whose task is lost. */
  static final EnumSet<ChunkStatus> REDISPATCHED_FROM = ChunkStatus.from(PENDING, PENDING, RUNNING);

  static final EnumSet<ChunkStatus> REPLAYED_FROM = ChunkStatus.from(PENDING, FAILED);

  /** A resumed simulation's chunks that its failure had cancelled. */
  static final EnumSet<ChunkStatus> RESUMED_FROM = ChunkStatus.from(PENDING, CANCELLED);

  /** A cancel or a failure of the simulation: the chunks that have not run. */
  static final EnumSet<ChunkStatus> WITHDRAWN_FROM = ChunkStatus.from(CANCELLED, PENDING);

  /** A running attempt that stopped for a cancel, or whose lease lapsed during one. */
  static final EnumSet<ChunkStatus> STOPPED_FROM = ChunkStatus.from(CANCELLED, RUNNING);

  private static final String CLAIM =
      """
      WITH req AS (
        SELECT * FROM unnest(?::uuid[], ?::int[], ?::int[], ?::timestamptz[])
            WITH ORDINALITY AS r(simulation_id, idx, generation, lease_until, ord)
      ), claimed AS (
        UPDATE chunks AS c
        SET status = ?, attempt = c.attempt + 1,
            lease_until = req.lease_until, started_at = COALESCE(c.started_at, ?)
        FROM req, simulations AS s
        WHERE c.simulation_id = req.simulation_id AND c.idx = req.idx
          AND c.generation = req.generation
          AND s.id = c.simulation_id AND s.status = ANY (?)
          AND c.status = ANY (?) AND (c.lease_until IS NULL OR c.lease_until < ?)
        RETURNING req.ord, c.simulation_id, c.attempt, c.unit_from, c.unit_to,
            s.kind, s.params::text AS params, s.status AS simulation_status,
            s.owner, c.checkpoint
      ),
      """
          + SimulationTransitions.STARTED_BY_CLAIMS
          + """
          SELECT claimed.*, started.event_seq AS started_event
          FROM claimed LEFT JOIN started ON started.id = claimed.simulation_id
          ORDER BY claimed.ord
          """;

  /** A chunk a delivery asks for, in the generation its task names, and the lease it would take. */
  public record ClaimRequest(
      UUID simulationId, int chunkIndex, int generation, Instant leaseUntil) {}

  /**
   * The claim of {@code requests}, prepared for the caller to run: PENDING, or RUNNING with a
   * lapsed lease, to RUNNING as the next attempt, for every request whose chunk is in its
   * generation and whose simulation runs chunks; the first claim of a simulation also starts it.
   * One statement. A row per chunk taken: {@code ord} (its request's position, from 1), {@code
   * attempt}, {@code unit_from}, {@code unit_to}, {@code kind}, {@code params}, {@code owner},
   * {@code checkpoint}, and {@code started_event}, the id of {@code simulation.started} when this
   * statement started the simulation (null otherwise).
   */
  public PreparedStatement claims(Connection c, List<ClaimRequest> requests, Instant now)
      throws SQLException {
    List<Object> params =
        new ArrayList<>(
            List.of(
                array(c, "uuid", requests, ClaimRequest::simulationId),
                array(c, "integer", requests, ClaimRequest::chunkIndex),
                array(c, "integer", requests, ClaimRequest::generation),
                array(c, "timestamptz", requests, r -> Timestamp.from(r.leaseUntil())),
                RUNNING,
                now,
                SimulationStatus.runningChunks(),
                CLAIMED_FROM,
                now));
    params.addAll(SimulationTransitions.startedByClaims(now));
    return Sql.prepare(c, CLAIM, params.toArray());
  }

  /** An attempt's result to commit. */
  public record Success(UUID simulationId, int chunkIndex, int attempt, byte[] result) {}

  /**
   * The commit of {@code commits}, prepared for the caller to run: RUNNING to SUCCEEDED for every
   * commit whose attempt still owns its chunk, with {@code commit_chunks_success} (migration V6),
   * given the statuses and guards of both tables; then each simulation's count and events, and
   * finalize into the outbox or, for a cancelling simulation where no chunk runs any more,
   * CANCELLED. One call; outside a transaction block it is the transaction. A row per chunk
   * committed: {@code p_ord} (from 1), {@code event_id}, {@code done}, {@code total}, {@code
   * sim_owner}, and on a simulation's last row {@code finalize_id} and {@code cancelled_id}.
   */
  public PreparedStatement successes(
      Connection c, List<Success> commits, Instant now, String finalizeQueue) throws SQLException {
    return Sql.prepare(
        c,
        """
        SELECT p_ord, event_id, done, total, sim_owner, finalize_id, cancelled_id
        FROM commit_chunks_success(?::uuid[], ?::int[], ?::int[], ?::bytea[], ?, ?,
            ?::text, ?::text[], ?::text, ?::text, ?::text[])
        """,
        array(c, "uuid", commits, Success::simulationId),
        array(c, "integer", commits, Success::chunkIndex),
        array(c, "integer", commits, Success::attempt),
        c.createArrayOf("bytea", commits.stream().map(Success::result).toArray(byte[][]::new)),
        now,
        finalizeQueue,
        SUCCEEDED,
        SUCCEEDED_FROM,
        RUNNING,
        SimulationStatus.CANCELLED,
        SimulationTransitions.CANCELLED_FROM);
  }

  /**
   * RUNNING to PENDING after attempt {@code attempt} failed: lease dropped, progress reset, error
   * kept. False when the attempt no longer owns the chunk.
   */
  public boolean release(
      Connection c, UUID simulationId, int chunkIndex, int attempt, String error, Instant now)
      throws SQLException {
    return Sql.update(
            c,
            """
            UPDATE chunks SET status = ?, lease_until = NULL, progress = 0, error = ?,
                first_failure_at = COALESCE(first_failure_at, ?)
            WHERE simulation_id = ? AND idx = ? AND attempt = ? AND status = ANY (?)
            """,
            PENDING,
            error,
            now,
            simulationId,
            chunkIndex,
            attempt,
            RELEASED_FROM)
        == 1;
  }

  /** How a chunk that failed for good stands: its generation and first failure. */
  public record Failed(int generation, Instant firstFailureAt) {}

  /** RUNNING to FAILED for attempt {@code attempt}; empty when it no longer owns the chunk. */
  public Optional<Failed> fail(
      Connection c, UUID simulationId, int chunkIndex, int attempt, String error, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                """
                UPDATE chunks
                SET status = ?, lease_until = NULL, finished_at = ?, error = ?,
                    first_failure_at = COALESCE(first_failure_at, ?)
                WHERE simulation_id = ? AND idx = ? AND attempt = ? AND status = ANY (?)
                RETURNING generation, first_failure_at
                """,
                FAILED,
                now,
                error,
                now,
                simulationId,
                chunkIndex,
                attempt,
                FAILED_FROM);
        ResultSet rs = ps.executeQuery()) {
      return rs.next()
          ? Optional.of(new Failed(rs.getInt("generation"), Sql.instant(rs, "first_failure_at")))
          : Optional.empty();
    }
  }

  /**
   * RUNNING to CANCELLED for attempt {@code attempt}, which stopped because its simulation is being
   * cancelled. False when the attempt no longer owns the chunk.
   */
  public boolean stop(Connection c, UUID simulationId, int chunkIndex, int attempt, Instant now)
      throws SQLException {
    return Sql.update(
            c,
            """
            UPDATE chunks SET status = ?, lease_until = NULL, finished_at = ?
            WHERE simulation_id = ? AND idx = ? AND attempt = ? AND status = ANY (?)
            """,
            CANCELLED,
            now,
            simulationId,
            chunkIndex,
            attempt,
            STOPPED_FROM)
        == 1;
  }

  /** RUNNING to CANCELLED for every chunk of the simulation whose lease has lapsed; how many. */
  public int stopLapsed(Connection c, UUID simulationId, Instant now) throws SQLException {
    return Sql.update(
        c,
        """
        UPDATE chunks SET status = ?, lease_until = NULL, finished_at = ?
        WHERE simulation_id = ? AND status = ANY (?) AND lease_until < ?
        """,
        CANCELLED,
        now,
        simulationId,
        STOPPED_FROM,
        now);
  }

  /**
   * PENDING to CANCELLED for every chunk of the simulation that has not run, and their outbox rows
   * removed; returns the queue tasks that would have run them, to delete best effort.
   */
  public List<PendingTask> withdrawPending(
      Connection c, UUID simulationId, String queue, Instant now) throws SQLException {
    List<PendingTask> pending = new ArrayList<>();
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                """
                UPDATE chunks SET status = ?, finished_at = ?
                WHERE simulation_id = ? AND status = ANY (?)
                RETURNING idx, generation
                """,
                CANCELLED,
                now,
                simulationId,
                WITHDRAWN_FROM);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        pending.add(
            new PendingTask(
                queue, TaskIds.chunk(simulationId, rs.getInt("idx"), rs.getInt("generation"))));
      }
    }
    Sql.update(
        c, "DELETE FROM outbox WHERE simulation_id = ? AND task_type = 'chunk'", simulationId);
    return pending;
  }

  /** A chunk dispatched anew: its new generation and the outbox row of its task. */
  public record Requeued(int generation, long outboxId) {}

  /** FAILED to PENDING for a replayed dead letter's chunk, as its next generation. */
  public Optional<Requeued> replay(
      Connection c, UUID simulationId, int chunkIndex, String queue, Instant now)
      throws SQLException {
    return requeue(c, simulationId, REPLAYED_FROM, chunkIndex, queue, now).stream().findFirst();
  }

  /**
   * CANCELLED to PENDING, as their next generations, for the chunks of a resumed simulation that
   * its failure had cancelled.
   */
  public List<Requeued> resumeCancelled(Connection c, UUID simulationId, String queue, Instant now)
      throws SQLException {
    return requeue(c, simulationId, RESUMED_FROM, null, queue, now);
  }

  private static List<Requeued> requeue(
      Connection c,
      UUID simulationId,
      EnumSet<ChunkStatus> from,
      @Nullable Integer chunkIndex,
      String queue,
      Instant now)
      throws SQLException {
    List<Requeued> requeued = new ArrayList<>();
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                """
                WITH requeued AS (
                  UPDATE chunks
                  SET status = ?, generation = generation + 1, lease_until = NULL,
                      progress = 0, finished_at = NULL, error = NULL, first_failure_at = NULL
                  WHERE simulation_id = ? AND status = ANY (?) AND (?::int IS NULL OR idx = ?)
                  RETURNING idx, generation
                )
                INSERT INTO outbox (simulation_id, task_type, chunk_idx, generation, queue,
                    available_at)
                SELECT ?, 'chunk', idx, generation, ?, ? FROM requeued
                RETURNING id, generation
                """,
                PENDING,
                simulationId,
                from,
                chunkIndex,
                chunkIndex,
                simulationId,
                queue,
                now);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        requeued.add(new Requeued(rs.getInt("generation"), rs.getLong("id")));
      }
    }
    return requeued;
  }

  /**
   * PENDING, or RUNNING with a lapsed lease, to PENDING as the next generation (a new task name, so
   * the old task's late deliveries find nothing to do). Empty when the chunk moved on meanwhile
   * (claimed, finished, or dispatched anew by another reconciler).
   */
  public OptionalInt redispatch(
      Connection c, UUID simulationId, int chunkIndex, int generation, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                """
                UPDATE chunks
                SET generation = generation + 1, status = ?, lease_until = NULL
                WHERE simulation_id = ? AND idx = ? AND generation = ?
                  AND status = ANY (?) AND (lease_until IS NULL OR lease_until < ?)
                RETURNING generation
                """,
                PENDING,
                simulationId,
                chunkIndex,
                generation,
                REDISPATCHED_FROM,
                now);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
    }
  }

  /** One field of each of {@code items}, as a SQL array of {@code type}. */
  private static <T> Array array(
      Connection c, String type, List<T> items, Function<T, Object> field) throws SQLException {
    return c.createArrayOf(type, items.stream().map(field).toArray());
  }
}
