package dev.simrun.shared.simulations;

import dev.simrun.shared.deadletters.DeadLetter;
import dev.simrun.shared.events.EventLog;
import dev.simrun.shared.events.EventType;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.simulations.SimulationStore.PendingTask;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A chunk that failed for good: in one transaction the chunk becomes FAILED, its dead letter is
 * written, {@code chunk.failed} is logged, and the simulation's failure policy decides what
 * follows: beyond the failures it tolerates the simulation FAILS and its pending chunks are
 * cancelled; otherwise the chunk counts as ended and, when it was the last, finalize is enqueued.
 */
@Singleton
public class ChunkFailures {
  private final TransactionOperations<Connection> tx;
  private final Clock clock;
  private final EventLog events;
  private final QueueNames queues;
  private final ChunkTransitions chunks;
  private final SimulationTransitions simulations;
  private final CancelCompletion cancels;
  private final FinalizeStore finalizes;

  public ChunkFailures(
      TransactionOperations<Connection> tx,
      Clock clock,
      EventLog events,
      QueueNames queues,
      ChunkTransitions chunks,
      SimulationTransitions simulations,
      CancelCompletion cancels,
      FinalizeStore finalizes) {
    this.tx = tx;
    this.clock = clock;
    this.events = events;
    this.queues = queues;
    this.chunks = chunks;
    this.simulations = simulations;
    this.cancels = cancels;
    this.finalizes = finalizes;
  }

  /**
   * The attempt that failed for good.
   *
   * @param taskName the Cloud Tasks task being answered; derived from the chunk when null
   * @param attempts attempts made as Cloud Tasks counts them; the chunk's claims when below 1
   */
  public record FailedAttempt(
      UUID simulationId,
      int chunkIndex,
      int attempt,
      String taskName,
      String error,
      int attempts,
      boolean permanent) {}

  /** What recording a failure did. */
  public sealed interface Outcome {}

  /**
   * The dead letter is stored. {@code events} are what was logged ({@code chunk.failed}, then
   * {@code simulation.failed} when the policy failed the simulation); {@code finalizeOutboxId} is
   * set when this was the last chunk to end and the policy tolerated it; {@code cancelledTasks} are
   * the tasks of chunks cancelled because the simulation failed, to delete best effort.
   */
  public record DeadLettered(
      DeadLetter deadLetter,
      List<SimulationEvent> events,
      Long finalizeOutboxId,
      List<PendingTask> cancelledTasks)
      implements Outcome {}

  /** The simulation is being cancelled: the chunk is CANCELLED instead; no dead letter. */
  public record StoppedForCancel(Optional<SimulationEvent> cancelled) implements Outcome {}

  /** The attempt no longer owns the chunk (superseded, or the chunk ended): nothing changed. */
  public record NotOwned() implements Outcome {}

  public Outcome deadLetter(FailedAttempt f) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          Instant now = clock.instant();
          SimulationStatus status = CancelCompletion.lock(c, f.simulationId()).orElse(null);
          if (status == null) {
            return new NotOwned();
          }
          if (status == SimulationStatus.CANCELLING) {
            return new StoppedForCancel(
                cancels.stopped(c, f.simulationId(), f.chunkIndex(), f.attempt(), now));
          }
          ChunkTransitions.Failed chunk =
              chunks
                  .fail(c, f.simulationId(), f.chunkIndex(), f.attempt(), f.error(), now)
                  .orElse(null);
          if (chunk == null) {
            return new NotOwned();
          }
          DeadLetter letter = insert(c, f, chunk.generation(), chunk.firstFailureAt(), now);
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      """
                      UPDATE simulations SET chunks_done = chunks_done + 1 WHERE id = ?
                      RETURNING chunks_done, chunk_count, max_failed_chunks, priority, kind,
                          (SELECT count(*) FROM chunks
                           WHERE simulation_id = ? AND status = ?) AS failed
                      """,
                      f.simulationId(),
                      f.simulationId(),
                      ChunkStatus.FAILED);
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            List<SimulationEvent> logged = new ArrayList<>(2);
            logged.add(chunkFailed(c, f, letter, now));
            if (!status.runsChunks()) {
              return new DeadLettered(letter, logged, null, List.of());
            }
            long failed = rs.getLong("failed");
            int tolerated = rs.getInt("max_failed_chunks");
            if (failed > tolerated) {
              List<PendingTask> cancelled =
                  chunks.withdrawPending(
                      c,
                      f.simulationId(),
                      queues.forSimulation(rs.getString("priority"), rs.getString("kind")),
                      now);
              failSimulation(c, f, letter, failed, tolerated, now).ifPresent(logged::add);
              return new DeadLettered(letter, logged, null, cancelled);
            }
            Long finalizeId =
                rs.getInt("chunks_done") < rs.getInt("chunk_count")
                    ? null
                    : finalizes.enqueueFinalize(c, f.simulationId(), now);
            return new DeadLettered(letter, logged, finalizeId, List.of());
          }
        });
  }

  private DeadLetter insert(
      Connection c, FailedAttempt f, int generation, Instant firstFailure, Instant now)
      throws SQLException {
    String payload =
        "{\"simulationId\":\""
            + f.simulationId()
            + "\",\"chunkIndex\":"
            + f.chunkIndex()
            + ",\"generation\":"
            + generation
            + "}";
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                "INSERT INTO dead_letters (id, simulation_id, owner, chunk_idx, generation,"
                    + " task_name, payload, error, attempts, permanent, first_failure_at,"
                    + " last_failure_at, created_at)"
                    + " SELECT ?, id, owner, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?"
                    + " FROM simulations WHERE id = ? RETURNING "
                    + DeadLetter.COLUMNS,
                UUID.randomUUID(),
                f.chunkIndex(),
                generation,
                f.taskName() != null
                    ? f.taskName()
                    : TaskIds.chunk(f.simulationId(), f.chunkIndex(), generation),
                payload,
                f.error(),
                f.attempts() > 0 ? f.attempts() : f.attempt(),
                f.permanent(),
                firstFailure,
                now,
                now,
                f.simulationId());
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return DeadLetter.read(rs);
    }
  }

  private SimulationEvent chunkFailed(Connection c, FailedAttempt f, DeadLetter letter, Instant now)
      throws SQLException {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("chunk", f.chunkIndex());
    data.put("attempt", f.attempt());
    data.put("error", f.error());
    data.put("willRetry", false);
    data.put("permanent", f.permanent());
    data.put("deadLetter", letter.id().toString());
    return events.append(c, f.simulationId(), EventType.CHUNK_FAILED, data, now);
  }

  private Optional<SimulationEvent> failSimulation(
      Connection c, FailedAttempt f, DeadLetter letter, long failed, int tolerated, Instant now)
      throws SQLException {
    String error =
        tolerated == 0
            ? "chunk " + f.chunkIndex() + " failed: " + f.error()
            : failed
                + " chunks failed, more than the "
                + tolerated
                + " tolerated; the last, chunk "
                + f.chunkIndex()
                + ": "
                + f.error();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("error", error);
    data.put("failedChunks", failed);
    data.put("deadLetter", letter.id().toString());
    return simulations.finished(
        c, f.simulationId(), SimulationStatus.FAILED, null, error, data, now);
  }
}
