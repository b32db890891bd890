package dev.simrun.shared.simulations;

import dev.simrun.shared.events.EventLog;
import dev.simrun.shared.events.EventType;
import dev.simrun.shared.events.SimulationEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * CANCELLING becomes CANCELLED once no chunk of the simulation runs. Every transaction that stops a
 * chunk of a cancelling simulation (and the cancel itself) asks, holding the simulation's row lock,
 * so the last one to stop sees the others' changes and makes the change exactly once.
 */
final class CancelCompletion {
  private CancelCompletion() {}

  /** Call holding the simulation row's lock (an update of it earlier in the transaction). */
  static Optional<SimulationEvent> ifNothingRuns(
      Connection c, EventLog events, UUID simulationId, Instant now) throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                "SELECT EXISTS (SELECT 1 FROM chunks WHERE simulation_id = ? AND status = 'RUNNING')",
                simulationId);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      if (rs.getBoolean(1)) {
        return Optional.empty();
      }
    }
    return events.afterUpdate(
        c,
        simulationId,
        EventType.SIMULATION_CANCELLED,
        Map.of(),
        now,
        """
        UPDATE simulations
        SET status = 'CANCELLED', finished_at = ?, event_seq = event_seq + 1
        WHERE id = ? AND status = 'CANCELLING'
        RETURNING event_seq, owner
        """,
        now,
        simulationId);
  }

  /** Locks the simulation's row for the rest of the transaction; returns its status. */
  static Optional<SimulationStatus> lock(Connection c, UUID simulationId) throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(c, "SELECT status FROM simulations WHERE id = ? FOR UPDATE", simulationId);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(SimulationStatus.valueOf(rs.getString(1))) : Optional.empty();
    }
  }
}
