package dev.simrun.shared.events;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The event types of schema version 1, and which of them the log keeps. */
public enum EventType {
  SIMULATION_QUEUED("simulation.queued", true, false),
  SIMULATION_STARTED("simulation.started", true, false),
  CHUNK_STARTED("chunk.started", false, false),
  CHUNK_PROGRESS("chunk.progress", false, false),
  CHUNK_SUCCEEDED("chunk.succeeded", true, false),
  CHUNK_FAILED("chunk.failed", true, false),
  CHUNK_REPLAYED("chunk.replayed", true, false),
  SIMULATION_SUCCEEDED("simulation.succeeded", true, true),
  SIMULATION_PARTIAL("simulation.partial", true, true),
  SIMULATION_FAILED("simulation.failed", true, true),
  SIMULATION_CANCELLED("simulation.cancelled", true, true),
  SIMULATION_RESUMED("simulation.resumed", true, false);

  private static final Map<String, EventType> BY_WIRE =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(t -> t.wire, Function.identity()));

  private final String wire;
  private final boolean durable;
  private final boolean terminal;

  EventType(String wire, boolean durable, boolean terminal) {
    this.wire = wire;
    this.durable = durable;
    this.terminal = terminal;
  }

  /** The name on the wire: the envelope's {@code type}, the SSE {@code event:}. */
  public String wire() {
    return wire;
  }

  /** Appended to the log with an id, and replayed to clients that reconnect. */
  public boolean durable() {
    return durable;
  }

  /** The last event of a simulation: streams close after it. */
  public boolean terminal() {
    return terminal;
  }

  public static Optional<EventType> fromWire(String wire) {
    return Optional.ofNullable(BY_WIRE.get(wire));
  }
}
