package dev.simrun.shared.events;

import dev.simrun.shared.simulations.Sql;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable event log ({@code simulation_events}). An event is appended in the transaction of the
 * change it describes; its id comes from {@code simulations.event_seq}, whose row lock orders
 * appends as their commits, so a reader that has seen id n never finds a smaller id appearing
 * later.
 */
@Singleton
public class EventLog {
  private static final Argument<Map<String, Object>> DATA =
      Argument.mapOf(String.class, Object.class);

  private final TransactionOperations<Connection> tx;
  private final ObjectMapper json;

  public EventLog(TransactionOperations<Connection> tx, ObjectMapper json) {
    this.tx = tx;
    this.json = json;
  }

  /** Appends in the caller's transaction, taking the next id of the simulation. */
  public SimulationEvent append(
      Connection c, UUID simulationId, EventType type, Map<String, Object> data, Instant at)
      throws SQLException {
    return afterUpdate(
            c,
            simulationId,
            type,
            data,
            at,
            "UPDATE simulations SET event_seq = event_seq + 1 WHERE id = ?"
                + " RETURNING event_seq, owner",
            simulationId)
        .orElseThrow(() -> new IllegalStateException("no simulation " + simulationId));
  }

  /**
   * Runs {@code update}, a guarded {@code UPDATE simulations … event_seq = event_seq + 1 …
   * RETURNING event_seq, owner}, and logs the event if it changed the row: the change and its event
   * in one statement's lock. Empty when the guard did not match.
   */
  public Optional<SimulationEvent> afterUpdate(
      Connection c,
      UUID simulationId,
      EventType type,
      Map<String, Object> data,
      Instant at,
      String update,
      Object... params)
      throws SQLException {
    try (PreparedStatement ps = Sql.prepare(c, update, params);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      return Optional.of(
          insert(c, simulationId, rs.getString("owner"), rs.getLong("event_seq"), type, data, at));
    }
  }

  /**
   * Writes an event whose id the caller already took from {@code event_seq} in the same transaction
   * (folded into an update of the simulation it made anyway).
   */
  public SimulationEvent insert(
      Connection c,
      UUID simulationId,
      String owner,
      long id,
      EventType type,
      Map<String, Object> data,
      Instant at)
      throws SQLException {
    if (!type.durable()) {
      throw new IllegalArgumentException(type.wire() + " is not durable");
    }
    Sql.update(
        c,
        "INSERT INTO simulation_events (simulation_id, seq, type, payload, created_at)"
            + " VALUES (?, ?, ?, ?::jsonb, ?)",
        simulationId,
        id,
        type.wire(),
        encode(data),
        at);
    return new SimulationEvent(
        SimulationEvent.VERSION, id, type.wire(), simulationId, owner, at, data);
  }

  /**
   * Up to {@code limit} durable events of the simulation with ids above {@code afterId}, in order.
   */
  public List<SimulationEvent> after(UUID simulationId, long afterId, int limit) {
    return after(Map.of(simulationId, afterId), limit);
  }

  /**
   * For each simulation, its durable events with ids above the one given; in id order per
   * simulation, at most {@code limit} in all. One query, however many simulations.
   */
  public List<SimulationEvent> after(Map<UUID, Long> afterIds, int limit) {
    if (afterIds.isEmpty()) {
      return List.of();
    }
    return tx.executeRead(
        st -> {
          Connection c = st.getConnection();
          Array ids = c.createArrayOf("uuid", afterIds.keySet().toArray());
          Array seqs = c.createArrayOf("bigint", afterIds.values().toArray());
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      """
                      SELECT e.simulation_id, e.seq, e.type, e.payload::text AS payload,
                          e.created_at, s.owner
                      FROM unnest(?::uuid[], ?::bigint[]) AS w(simulation_id, after_seq)
                      JOIN simulation_events e
                        ON e.simulation_id = w.simulation_id AND e.seq > w.after_seq
                      JOIN simulations s ON s.id = e.simulation_id
                      ORDER BY e.simulation_id, e.seq
                      LIMIT ?
                      """,
                      ids,
                      seqs,
                      limit);
              ResultSet rs = ps.executeQuery()) {
            List<SimulationEvent> events = new ArrayList<>();
            while (rs.next()) {
              events.add(
                  new SimulationEvent(
                      SimulationEvent.VERSION,
                      rs.getLong("seq"),
                      rs.getString("type"),
                      rs.getObject("simulation_id", UUID.class),
                      rs.getString("owner"),
                      Sql.instant(rs, "created_at"),
                      decode(rs.getString("payload"))));
            }
            return events;
          }
        });
  }

  private String encode(Map<String, Object> data) {
    try {
      return json.writeValueAsString(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Map<String, Object> decode(String payload) {
    try {
      return json.readValue(payload, DATA);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
