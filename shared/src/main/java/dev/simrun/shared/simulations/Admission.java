package dev.simrun.shared.simulations;

import dev.simrun.shared.config.AdmissionConfig;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Admission control of a submission: the owner's active simulations and the chunks waiting or
 * running over all owners, against the limits of {@link AdmissionConfig}.
 */
@Singleton
class Admission {
  private final AdmissionConfig limits;

  Admission(AdmissionConfig limits) {
    this.limits = limits;
  }

  /**
   * Call in the submission's transaction, holding the owner's submit lock, so the owner's count is
   * exact. The status literals match the partial index of active simulations (migration V5).
   *
   * @throws AdmissionRefused beyond a limit; the caller's transaction then stores nothing
   */
  void admit(Connection c, NewSimulation s) throws SQLException {
    // A batch run's simulations are bounded by the batch's own size (an operator defined it), not
    // by the active simulations of the operator it runs as.
    if (s.batch() == null) {
      ownersActive(c, s);
    }
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                """
                SELECT coalesce(sum(chunk_count - chunks_done), 0) FROM simulations
                WHERE status IN ('QUEUED', 'RUNNING', 'CANCELLING')
                """);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      long queued = rs.getLong(1);
      if (queued + s.chunkCount() > limits.maxQueuedChunks()) {
        throw new AdmissionRefused(
            AdmissionRefused.QUEUED_CHUNKS,
            queued
                + " chunks are waiting or running; "
                + s.chunkCount()
                + " more would pass the limit of "
                + limits.maxQueuedChunks(),
            limits.retryAfter());
      }
    }
  }

  /** The owner's simulations queued, running or cancelling, against its limit. */
  private void ownersActive(Connection c, NewSimulation s) throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                """
                SELECT count(*) FROM simulations
                WHERE owner = ? AND status IN ('QUEUED', 'RUNNING', 'CANCELLING')
                """,
                s.owner());
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      if (rs.getLong(1) >= limits.maxActivePerOwner()) {
        throw new AdmissionRefused(
            AdmissionRefused.ACTIVE_SIMULATIONS_PER_OWNER,
            "You have "
                + rs.getLong(1)
                + " active simulations, the most one owner may have ("
                + limits.maxActivePerOwner()
                + "); submit again when one has ended",
            limits.retryAfter());
      }
    }
  }
}
