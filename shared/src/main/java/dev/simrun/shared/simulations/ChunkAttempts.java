package dev.simrun.shared.simulations;

import dev.simrun.shared.events.EventLog;
import dev.simrun.shared.events.EventType;
import dev.simrun.shared.events.SimulationEvent;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a claimed attempt does with its chunk until it commits: reports progress and saves
 * checkpoints (each extends its lease), checks whether its simulation still runs, gives the chunk
 * back when it failed, stops when its simulation is cancelled. All fenced by the attempt: a
 * superseded attempt changes nothing.
 */
@Singleton
public class ChunkAttempts {
  private final TransactionOperations<Connection> tx;
  private final Clock clock;
  private final EventLog events;
  private final ChunkTransitions transitions;
  private final CancelCompletion cancels;

  public ChunkAttempts(
      TransactionOperations<Connection> tx,
      Clock clock,
      EventLog events,
      ChunkTransitions transitions,
      CancelCompletion cancels) {
    this.tx = tx;
    this.clock = clock;
    this.events = events;
    this.transitions = transitions;
    this.cancels = cancels;
  }

  /**
   * Records how far attempt {@code attempt} got and extends its lease to now + {@code lease}: a
   * chunk that shows signs of life keeps its claim. False when the attempt no longer owns the
   * chunk.
   */
  public boolean reportProgress(
      UUID simulationId, int chunkIndex, int attempt, double fractionDone, Duration lease) {
    return setWhileOwned("progress", fractionDone, simulationId, chunkIndex, attempt, lease);
  }

  /**
   * Saves attempt {@code attempt}'s checkpoint and extends its lease, like a progress report. False
   * when the attempt no longer owns the chunk.
   */
  public boolean saveCheckpoint(
      UUID simulationId, int chunkIndex, int attempt, byte[] checkpoint, Duration lease) {
    return setWhileOwned("checkpoint", checkpoint, simulationId, chunkIndex, attempt, lease);
  }

  /**
   * Sets {@code column} of a chunk attempt {@code attempt} still owns (RUNNING, same attempt) and
   * extends its lease; false when the attempt no longer owns the chunk.
   */
  private boolean setWhileOwned(
      String column, Object value, UUID simulationId, int chunkIndex, int attempt, Duration lease) {
    return tx.executeWrite(
        st ->
            Sql.update(
                    st.getConnection(),
                    "UPDATE chunks SET "
                        + column
                        + " = ?, lease_until = GREATEST(lease_until, ?)"
                        + " WHERE simulation_id = ? AND idx = ? AND attempt = ? AND status = ?",
                    value,
                    clock.instant().plus(lease),
                    simulationId,
                    chunkIndex,
                    attempt,
                    ChunkStatus.RUNNING)
                == 1);
  }

  /** The simulation's status, for a running chunk's cheap "was I cancelled?" check. */
  public Optional<SimulationStatus> simulationStatus(UUID simulationId) {
    return tx.executeRead(
        st -> {
          try (PreparedStatement ps =
                  Sql.prepare(
                      st.getConnection(),
                      "SELECT status FROM simulations WHERE id = ?",
                      simulationId);
              ResultSet rs = ps.executeQuery()) {
            return rs.next()
                ? Optional.of(SimulationStatus.valueOf(rs.getString(1)))
                : Optional.<SimulationStatus>empty();
          }
        });
  }

  /**
   * Gives the chunk back after attempt {@code attempt} failed (RUNNING to PENDING, lease dropped,
   * error kept), so the next delivery claims it at once instead of waiting for the lease; when the
   * simulation is being cancelled, the chunk stops instead. Returns {@code chunk.failed}, or {@code
   * simulation.cancelled} when the stop completed a cancel; empty when the attempt no longer owns
   * the chunk.
   */
  public Optional<SimulationEvent> release(
      UUID simulationId, int chunkIndex, int attempt, String error) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          Instant now = clock.instant();
          if (CancelCompletion.lock(c, simulationId).orElse(null) == SimulationStatus.CANCELLING) {
            return cancels.stopped(c, simulationId, chunkIndex, attempt, now);
          }
          if (!transitions.release(c, simulationId, chunkIndex, attempt, error, now)) {
            return Optional.<SimulationEvent>empty();
          }
          Map<String, Object> data = new LinkedHashMap<>();
          data.put("chunk", chunkIndex);
          data.put("attempt", attempt);
          data.put("error", error == null ? "" : error);
          data.put("willRetry", true);
          return Optional.of(events.append(c, simulationId, EventType.CHUNK_FAILED, data, now));
        });
  }

  /**
   * Attempt {@code attempt} stopped because its simulation is being cancelled: the chunk becomes
   * CANCELLED, and the simulation CANCELLED if no other chunk runs. Returns {@code
   * simulation.cancelled} when this stop completed the cancellation.
   */
  public Optional<SimulationEvent> stopCancelled(UUID simulationId, int chunkIndex, int attempt) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          CancelCompletion.lock(c, simulationId);
          return cancels.stopped(c, simulationId, chunkIndex, attempt, clock.instant());
        });
  }

  /**
   * Cancelling simulations wait for their running chunks to stop; a chunk whose worker died never
   * says so. Every RUNNING chunk of a CANCELLING simulation whose lease has ended is CANCELLED, and
   * each such simulation CANCELLED when nothing else runs; at most {@code limit} simulations.
   * Returns the {@code simulation.cancelled} events.
   */
  public List<SimulationEvent> stopLapsedInCancelling(int limit) {
    Instant now = clock.instant();
    // Literals, not parameters: a generic plan could not use the partial index of active
    // simulations.
    List<UUID> stuck =
        tx.executeRead(
            st -> {
              List<UUID> ids = new ArrayList<>();
              try (PreparedStatement ps =
                      Sql.prepare(
                          st.getConnection(),
                          """
                          SELECT DISTINCT c.simulation_id
                          FROM simulations s JOIN chunks c ON c.simulation_id = s.id
                          WHERE s.status = 'CANCELLING' AND c.status = 'RUNNING'
                            AND c.lease_until < ?
                          LIMIT ?
                          """,
                          now,
                          limit);
                  ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  ids.add(rs.getObject(1, UUID.class));
                }
              }
              return ids;
            });
    List<SimulationEvent> cancelled = new ArrayList<>();
    for (UUID id : stuck) {
      tx.executeWrite(
              st -> {
                Connection c = st.getConnection();
                if (CancelCompletion.lock(c, id).orElse(null) != SimulationStatus.CANCELLING) {
                  return Optional.<SimulationEvent>empty();
                }
                transitions.stopLapsed(c, id, now);
                return cancels.ifNothingRuns(c, id, now);
              })
          .ifPresent(cancelled::add);
    }
    return cancelled;
  }
}
