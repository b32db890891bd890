package dev.simrun.shared.simulations;

import dev.simrun.shared.events.SimulationEvent;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A simulation whose chunks have all ended: its finalize task into the outbox, what finalizing
 * reads, and the outcome it stores, once.
 */
@Singleton
public class FinalizeStore {
  private final TransactionOperations<Connection> tx;
  private final Clock clock;
  private final QueueNames queues;
  private final SimulationTransitions transitions;

  public FinalizeStore(
      TransactionOperations<Connection> tx,
      Clock clock,
      QueueNames queues,
      SimulationTransitions transitions) {
    this.tx = tx;
    this.clock = clock;
    this.queues = queues;
    this.transitions = transitions;
  }

  /**
   * Puts the finalize task of a simulation whose chunks have all ended into the outbox, named by
   * the simulation's generation (a replay that resumes it bumps the generation, so the next
   * finalize is a new task). Call holding the simulation's row lock.
   */
  Long enqueueFinalize(Connection c, UUID simulationId, Instant now) throws SQLException {
    try (PreparedStatement insert =
            Sql.prepare(
                c,
                """
                INSERT INTO outbox (simulation_id, task_type, generation, queue, available_at)
                SELECT id, 'finalize', generation, ?, ? FROM simulations WHERE id = ?
                RETURNING id
                """,
                queues.finalizeQueue(),
                now,
                simulationId);
        ResultSet id = insert.executeQuery()) {
      id.next();
      return id.getLong(1);
    }
  }

  /**
   * What finalizing needs: the kind, its parameters, every chunk's result in chunk order (null for
   * a chunk that has not succeeded), how many chunks FAILED and how many the policy tolerates.
   */
  public record Finalization(
      String kind,
      String paramsJson,
      SimulationStatus status,
      List<byte[]> chunkResults,
      int failedChunks,
      int maxFailedChunks) {

    /** Chunks neither SUCCEEDED nor FAILED: finalizing must wait for them. */
    public int outstanding() {
      return (int) chunkResults.stream().filter(Objects::isNull).count() - failedChunks;
    }
  }

  public Finalization loadForFinalize(UUID simulationId) {
    return tx.executeRead(
        st -> {
          Connection c = st.getConnection();
          String kind;
          String params;
          SimulationStatus status;
          int tolerated;
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      "SELECT kind, params::text AS params, status, max_failed_chunks"
                          + " FROM simulations WHERE id = ?",
                      simulationId);
              ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return null;
            }
            kind = rs.getString("kind");
            params = rs.getString("params");
            status = SimulationStatus.valueOf(rs.getString("status"));
            tolerated = rs.getInt("max_failed_chunks");
          }
          List<byte[]> results = new ArrayList<>();
          int failed = 0;
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      "SELECT status, result FROM chunks WHERE simulation_id = ? ORDER BY idx",
                      simulationId);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              ChunkStatus chunk = ChunkStatus.valueOf(rs.getString("status"));
              results.add(chunk == ChunkStatus.SUCCEEDED ? rs.getBytes("result") : null);
              if (chunk == ChunkStatus.FAILED) {
                failed++;
              }
            }
          }
          return new Finalization(kind, params, status, results, failed, tolerated);
        });
  }

  /**
   * Sets SUCCEEDED with the final result and logs {@code simulation.succeeded} with {@code data};
   * the event only for the one call that made the change, empty for every other.
   */
  public Optional<SimulationEvent> finalizeSucceeded(
      UUID simulationId, byte[] result, Map<String, Object> data) {
    return finish(simulationId, SimulationStatus.SUCCEEDED, result, null, data);
  }

  /** As {@link #finalizeSucceeded}, for a result of the chunks that succeeded: PARTIAL. */
  public Optional<SimulationEvent> finalizePartial(
      UUID simulationId, byte[] result, Map<String, Object> data) {
    return finish(simulationId, SimulationStatus.PARTIAL, result, null, data);
  }

  /** Sets FAILED with {@code error} once the chunks have ended but no result can be made. */
  public Optional<SimulationEvent> finalizeFailed(UUID simulationId, String error) {
    return finish(simulationId, SimulationStatus.FAILED, null, error, Map.of("error", error));
  }

  private Optional<SimulationEvent> finish(
      UUID simulationId,
      SimulationStatus outcome,
      byte[] result,
      String error,
      Map<String, Object> data) {
    return tx.executeWrite(
        st ->
            transitions.finished(
                st.getConnection(), simulationId, outcome, result, error, data, clock.instant()));
  }
}
