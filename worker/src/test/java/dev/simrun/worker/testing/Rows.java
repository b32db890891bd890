package dev.simrun.worker.testing;

import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the database holds for one simulation, read directly, for assertions. */
@Singleton
public class Rows {
  private final TransactionOperations<Connection> tx;

  public Rows(TransactionOperations<Connection> tx) {
    this.tx = tx;
  }

  /** One chunk row. */
  public record Chunk(
      int index,
      String status,
      int attempt,
      double progress,
      Instant leaseUntil,
      byte[] result,
      String error) {}

  public List<Chunk> chunks(UUID simulationId) {
    return query(
        "SELECT * FROM chunks WHERE simulation_id = ? ORDER BY idx",
        simulationId,
        rs ->
            new Chunk(
                rs.getInt("idx"),
                rs.getString("status"),
                rs.getInt("attempt"),
                rs.getDouble("progress"),
                rs.getTimestamp("lease_until") == null
                    ? null
                    : rs.getTimestamp("lease_until").toInstant(),
                rs.getBytes("result"),
                rs.getString("error")));
  }

  /** When a chunk's last attempt started and when it finished. */
  public record Interval(Instant started, Instant finished) {}

  public List<Interval> intervals(UUID simulationId) {
    return query(
        "SELECT started_at, finished_at FROM chunks WHERE simulation_id = ? ORDER BY idx",
        simulationId,
        rs ->
            new Interval(
                rs.getTimestamp("started_at").toInstant(),
                rs.getTimestamp("finished_at").toInstant()));
  }

  public Chunk chunk(UUID simulationId, int index) {
    return chunks(simulationId).get(index);
  }

  public String status(UUID simulationId) {
    return query("SELECT status FROM simulations WHERE id = ?", simulationId, rs -> rs.getString(1))
        .getFirst();
  }

  public int chunksDone(UUID simulationId) {
    return query(
            "SELECT chunks_done FROM simulations WHERE id = ?", simulationId, rs -> rs.getInt(1))
        .getFirst();
  }

  public List<String> eventTypes(UUID simulationId) {
    return query(
        "SELECT type FROM simulation_events WHERE simulation_id = ? ORDER BY seq",
        simulationId,
        rs -> rs.getString(1));
  }

  /** The durable events' data as JSON text, in order. */
  public List<String> eventData(UUID simulationId) {
    return query(
        "SELECT payload::text FROM simulation_events WHERE simulation_id = ? ORDER BY seq",
        simulationId,
        rs -> rs.getString(1));
  }

  /** The chunk's generation: bumped when a replay or the reconciler dispatches it anew. */
  public int generation(UUID simulationId, int index) {
    return query(
            "SELECT generation FROM chunks WHERE simulation_id = ? AND idx = " + index,
            simulationId,
            rs -> rs.getInt(1))
        .getFirst();
  }

  /** The durable event ids of a simulation, in order. */
  public List<Long> eventIds(UUID simulationId) {
    return query(
        "SELECT seq FROM simulation_events WHERE simulation_id = ? ORDER BY seq",
        simulationId,
        rs -> rs.getLong(1));
  }

  /** The durable events of a run where every chunk succeeded once: one per change, in order. */
  public static List<String> successfulRun(int chunks) {
    List<String> types = new java.util.ArrayList<>();
    types.add("simulation.queued");
    types.add("simulation.started");
    for (int i = 0; i < chunks; i++) {
      types.add("chunk.succeeded");
    }
    types.add("simulation.succeeded");
    return types;
  }

  /** Asserts the log of a run where every chunk succeeded once: types in order, ids 1, 2, 3, …. */
  public void assertSuccessfulRunLogged(UUID simulationId, int chunks) {
    org.assertj.core.api.Assertions.assertThat(eventTypes(simulationId))
        .containsExactlyElementsOf(successfulRun(chunks));
    org.assertj.core.api.Assertions.assertThat(eventIds(simulationId))
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, chunks + 3).boxed().toList());
  }

  public int finalizeRowsInOutbox(UUID simulationId) {
    return query(
            "SELECT count(*) FROM outbox WHERE simulation_id = ? AND task_type = 'finalize'",
            simulationId,
            rs -> rs.getInt(1))
        .getFirst();
  }

  /**
   * Every row about the simulation in every table, as text: equal snapshots mean nothing changed.
   */
  public List<String> snapshot(UUID simulationId) {
    List<String> out = new ArrayList<>();
    for (String sql :
        List.of(
            "SELECT * FROM simulations WHERE id = ?",
            "SELECT * FROM chunks WHERE simulation_id = ? ORDER BY idx",
            "SELECT * FROM outbox WHERE simulation_id = ? ORDER BY id",
            "SELECT * FROM simulation_events WHERE simulation_id = ? ORDER BY seq",
            "SELECT * FROM dead_letters WHERE simulation_id = ? ORDER BY id")) {
      out.addAll(query(sql, simulationId, Rows::asText));
    }
    return out;
  }

  private static String asText(ResultSet rs) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    Map<String, String> row = new LinkedHashMap<>();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      Object v = rs.getObject(i);
      row.put(
          meta.getColumnName(i), v instanceof byte[] b ? Arrays.toString(b) : String.valueOf(v));
    }
    return row.toString();
  }

  @FunctionalInterface
  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private <T> List<T> query(String sql, UUID id, RowMapper<T> mapper) {
    return tx.executeRead(
        st -> {
          try (PreparedStatement ps = st.getConnection().prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              List<T> out = new ArrayList<>();
              while (rs.next()) {
                out.add(mapper.map(rs));
              }
              return out;
            }
          }
        });
  }
}
