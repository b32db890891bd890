package dev.simrun.shared.events;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One event of schema version {@value #VERSION} ({@code docs/events.md}).
 *
 * @param v the schema version; consumers ignore versions they do not know
 * @param id the per-simulation sequence number of a durable event (1, 2, 3, … without gaps); null
 *     for {@code chunk.progress} and {@code chunk.started}
 * @param type the event type's wire name
 * @param simulationId whose simulation
 * @param owner the simulation's owner
 * @param at when the change happened, ISO-8601 in UTC
 * @param data type-specific fields
 */
@Serdeable
public record SimulationEvent(
    int v,
    @Nullable Long id,
    String type,
    UUID simulationId,
    String owner,
    String at,
    Map<String, Object> data) {

  public static final int VERSION = 1;

  public SimulationEvent(
      int v,
      @Nullable Long id,
      String type,
      UUID simulationId,
      String owner,
      Instant at,
      Map<String, Object> data) {
    this(v, id, type, simulationId, owner, at.toString(), data);
  }

  public SimulationEvent {
    data = data == null ? Map.of() : data;
  }

  /** A transient event: no id, not in the log. */
  public static SimulationEvent transientEvent(
      EventType type, UUID simulationId, String owner, Instant at, Map<String, Object> data) {
    return new SimulationEvent(VERSION, null, type.wire(), simulationId, owner, at, data);
  }

  public boolean durable() {
    return id != null;
  }

  /** True when this is the simulation's last event. */
  public boolean terminal() {
    return EventType.fromWire(type).map(EventType::terminal).orElse(false);
  }
}
