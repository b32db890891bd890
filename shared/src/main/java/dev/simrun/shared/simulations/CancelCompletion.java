package dev.simrun.shared.simulations;

import dev.simrun.shared.events.SimulationEvent;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * CANCELLING becomes CANCELLED once no chunk of the simulation runs. Every transaction that stops a
 * chunk of a cancelling simulation (and the cancel itself) asks, holding the simulation's row lock,
 * so the last one to stop sees the others' changes and makes the change exactly once. A commit asks
 * the same inside {@code commit_chunks_success}.
 */
@Singleton
class CancelCompletion {
  private final SimulationTransitions simulations;
  private final ChunkTransitions chunks;

  CancelCompletion(SimulationTransitions simulations, ChunkTransitions chunks) {
    this.simulations = simulations;
    this.chunks = chunks;
  }

  /** Call holding the simulation row's lock (an update of it earlier in the transaction). */
  Optional<SimulationEvent> ifNothingRuns(Connection c, UUID simulationId, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                "SELECT EXISTS (SELECT 1 FROM chunks WHERE simulation_id = ? AND status = ?)",
                simulationId,
                ChunkStatus.RUNNING);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      if (rs.getBoolean(1)) {
        return Optional.empty();
      }
    }
    return simulations.cancelled(c, simulationId, now);
  }

  /**
   * With the simulation row locked: the attempt's chunk CANCELLED, then the completion check.
   * Returns {@code simulation.cancelled} when this stop completed the cancellation.
   */
  Optional<SimulationEvent> stopped(
      Connection c, UUID simulationId, int chunkIndex, int attempt, Instant now)
      throws SQLException {
    chunks.stop(c, simulationId, chunkIndex, attempt, now);
    return ifNothingRuns(c, simulationId, now);
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
