package dev.simrun.shared.simulations;

import static dev.simrun.shared.simulations.SimulationStatus.CANCELLED;
import static dev.simrun.shared.simulations.SimulationStatus.CANCELLING;
import static dev.simrun.shared.simulations.SimulationStatus.FAILED;
import static dev.simrun.shared.simulations.SimulationStatus.PARTIAL;
import static dev.simrun.shared.simulations.SimulationStatus.QUEUED;
import static dev.simrun.shared.simulations.SimulationStatus.RUNNING;

import dev.simrun.shared.events.EventLog;
import dev.simrun.shared.events.EventType;
import dev.simrun.shared.events.SimulationEvent;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The only writer of a simulation's status. Each change is one guarded {@code UPDATE … WHERE status
 * = ANY (from) … RETURNING} whose "from" set comes from {@link SimulationStatus}'s table, run in
 * the caller's transaction with its event; a guard that does not match (a race lost, a simulation
 * that moved on) is a normal answer, empty or false, and changes nothing.
 *
 * <p>Two changes are made inside the grouped chunk statements of {@link ChunkTransitions} (decision
 * 0017): the start, whose statement text and guard are {@link #STARTED_BY_CLAIMS}, and the cancel's
 * completion by a commit, whose guard the commit function is given ({@link #CANCELLED_FROM}).
 */
@Singleton
public class SimulationTransitions {
  /** The first claim of a chunk starts its simulation. */
  static final EnumSet<SimulationStatus> STARTED_FROM = SimulationStatus.from(RUNNING, QUEUED);

  /** A replayed dead letter resumes a simulation that had ended FAILED or PARTIAL. */
  static final EnumSet<SimulationStatus> RESUMED_FROM =
      SimulationStatus.from(RUNNING, FAILED, PARTIAL);

  static final EnumSet<SimulationStatus> CANCELLING_FROM = SimulationStatus.from(CANCELLING);
  static final EnumSet<SimulationStatus> CANCELLED_FROM = SimulationStatus.from(CANCELLED);

  /**
   * QUEUED to RUNNING for the simulations of the chunks a claim statement took, as CTEs that follow
   * its {@code claimed} CTE (which returns {@code simulation_id} and {@code simulation_status}):
   * {@code started (id, event_seq)} and the {@code simulation.started} event of each. Its
   * parameters, in order, are {@link #startedByClaims}. The guard on the simulation's row makes the
   * start once, however many claims race.
   */
  static final String STARTED_BY_CLAIMS =
      """
      started AS (
        UPDATE simulations
        SET status = ?, started_at = ?, event_seq = event_seq + 1
        WHERE status = ANY (?) AND id IN (
          SELECT simulation_id FROM claimed WHERE simulation_status = ANY (?))
        RETURNING id, event_seq
      ), started_logged AS (
        INSERT INTO simulation_events (simulation_id, seq, type, payload, created_at)
        SELECT id, event_seq, ?, '{}'::jsonb, ? FROM started
      )
      """;

  private final EventLog events;

  public SimulationTransitions(EventLog events) {
    this.events = events;
  }

  /** The parameters of {@link #STARTED_BY_CLAIMS}, in order. */
  static List<Object> startedByClaims(Instant now) {
    return List.of(
        RUNNING, now, STARTED_FROM, STARTED_FROM, EventType.SIMULATION_STARTED.wire(), now);
  }

  /**
   * QUEUED or RUNNING to CANCELLING (no event: {@code simulation.cancelled} says when it is done).
   * False when the simulation is not one the table lets be cancelled.
   */
  public boolean cancelling(Connection c, UUID id) throws SQLException {
    return Sql.update(
            c,
            "UPDATE simulations SET status = ? WHERE id = ? AND status = ANY (?)",
            CANCELLING,
            id,
            CANCELLING_FROM)
        == 1;
  }

  /**
   * CANCELLING to CANCELLED with {@code simulation.cancelled}; call holding the row lock once no
   * chunk runs ({@link CancelCompletion}).
   */
  public Optional<SimulationEvent> cancelled(Connection c, UUID id, Instant now)
      throws SQLException {
    return events.afterUpdate(
        c,
        id,
        EventType.SIMULATION_CANCELLED,
        Map.of(),
        now,
        """
        UPDATE simulations
        SET status = ?, finished_at = ?, event_seq = event_seq + 1
        WHERE id = ? AND status = ANY (?)
        RETURNING event_seq, owner
        """,
        CANCELLED,
        now,
        id,
        CANCELLED_FROM);
  }

  /**
   * The simulation's outcome, SUCCEEDED, PARTIAL or FAILED, with its result or error and the
   * matching event ({@code simulation.succeeded}, {@code .partial}, {@code .failed}) carrying
   * {@code data}. Empty for every call but the one that made the change.
   */
  public Optional<SimulationEvent> finished(
      Connection c,
      UUID id,
      SimulationStatus outcome,
      @Nullable byte[] result,
      @Nullable String error,
      Map<String, Object> data,
      Instant now)
      throws SQLException {
    EventType type =
        switch (outcome) {
          case SUCCEEDED -> EventType.SIMULATION_SUCCEEDED;
          case PARTIAL -> EventType.SIMULATION_PARTIAL;
          case FAILED -> EventType.SIMULATION_FAILED;
          default -> throw new IllegalArgumentException("not an outcome: " + outcome);
        };
    return events.afterUpdate(
        c,
        id,
        type,
        data,
        now,
        """
        UPDATE simulations
        SET status = ?, result = ?, error = ?, finished_at = ?, event_seq = event_seq + 1
        WHERE id = ? AND status = ANY (?)
        RETURNING event_seq, owner
        """,
        outcome,
        result,
        error,
        now,
        id,
        SimulationStatus.from(outcome));
  }

  /**
   * FAILED or PARTIAL back to RUNNING for a replay, with {@code simulation.resumed} carrying {@code
   * data}: the outcome is cleared and the generation bumped, so the next finalize is a new task.
   */
  public Optional<SimulationEvent> resumed(
      Connection c, UUID id, Map<String, Object> data, Instant now) throws SQLException {
    return events.afterUpdate(
        c,
        id,
        EventType.SIMULATION_RESUMED,
        data,
        now,
        """
        UPDATE simulations
        SET status = ?, error = NULL, result = NULL, finished_at = NULL,
            generation = generation + 1, event_seq = event_seq + 1
        WHERE id = ? AND status = ANY (?)
        RETURNING event_seq, owner
        """,
        RUNNING,
        id,
        RESUMED_FROM);
  }
}
