package dev.simrun.shared.simulations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reading {@code simulations} rows into views, with their chunks counted by status. */
final class SimulationRows {
  private SimulationRows() {}

  /** A simulations row, before its chunks are counted. */
  record Row(
      UUID id,
      String kind,
      String name,
      SimulationStatus status,
      Priority priority,
      int chunkCount,
      int maxFailedChunks,
      Instant createdAt,
      Instant startedAt,
      Instant finishedAt,
      String error) {

    static Row read(ResultSet rs) throws SQLException {
      return new Row(
          rs.getObject("id", UUID.class),
          rs.getString("kind"),
          rs.getString("name"),
          SimulationStatus.valueOf(rs.getString("status")),
          Priority.fromWire(rs.getString("priority")),
          rs.getInt("chunk_count"),
          rs.getInt("max_failed_chunks"),
          Sql.instant(rs, "created_at"),
          Sql.instant(rs, "started_at"),
          Sql.instant(rs, "finished_at"),
          rs.getString("error"));
    }

    SimulationView view(Counts c) {
      double progress = (c.succeeded + c.failed + c.cancelled + c.runningProgress) / chunkCount;
      return new SimulationView(
          id,
          kind,
          name,
          status,
          priority,
          new SimulationView.ChunkCounts(
              chunkCount, c.pending, c.running, c.succeeded, c.failed, c.cancelled),
          maxFailedChunks,
          Math.min(1.0, progress),
          createdAt,
          startedAt,
          finishedAt,
          error);
    }
  }

  /** One simulation's chunks by status, and the progress of those running. */
  static final class Counts {
    static final Counts NONE = new Counts();
    int pending;
    int running;
    int succeeded;
    int failed;
    int cancelled;
    double runningProgress;
  }

  /** Chunk counts of several simulations in one query (a page of a list, or one simulation). */
  static Map<UUID, Counts> counts(Connection c, List<UUID> ids) throws SQLException {
    Map<UUID, Counts> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT simulation_id, status, count(*) AS n, sum(progress) AS p FROM chunks"
                + " WHERE simulation_id = ANY (?) GROUP BY simulation_id, status")) {
      ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Counts k =
              out.computeIfAbsent(rs.getObject("simulation_id", UUID.class), x -> new Counts());
          int n = rs.getInt("n");
          switch (ChunkStatus.valueOf(rs.getString("status"))) {
            case PENDING -> k.pending = n;
            case RUNNING -> {
              k.running = n;
              k.runningProgress = rs.getDouble("p");
            }
            case SUCCEEDED -> k.succeeded = n;
            case FAILED -> k.failed = n;
            case CANCELLED -> k.cancelled = n;
          }
        }
      }
    }
    return out;
  }
}
