package dev.simrun.api.stream;

import dev.simrun.shared.events.SimulationEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.sse.Event;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * One client's stream: the durable events of one simulation (or of every simulation of an owner)
 * exactly once and in id order, plus live progress, through a bounded buffer.
 *
 * <p>A durable event is passed on only if its id is the next one the client needs: a repeat is
 * dropped, and one that comes early (its predecessor was lost on the way) is dropped too; the log
 * tail brings both again in order. Progress is passed on only while there is room. A durable event
 * read from the log that finds the buffer full waits for the next read of the log, which starts
 * after the last event the client has: a burst from the log (a backlog while Pub/Sub is down) is
 * sent at the client's pace. A client whose buffer is full when a live durable event arrives is
 * disconnected: it reconnects with {@code Last-Event-ID} and catches up from the log.
 */
final class EventStream {
  private final @Nullable UUID simulationId;
  private final String owner;
  private final ObjectMapper json;
  private final Sinks.Many<Event<String>> sink;

  /** Per simulation, the id of the last durable event the client has; guarded by this. */
  private final Map<UUID, Long> lastIds = new HashMap<>();

  private boolean live;
  private boolean finished;

  private EventStream(
      @Nullable UUID simulationId, String owner, long lastId, int buffer, ObjectMapper json) {
    this.simulationId = simulationId;
    this.owner = owner;
    this.json = json;
    this.sink =
        Sinks.many().unicast().onBackpressureBuffer(Queues.<Event<String>>get(buffer).get());
    if (simulationId != null) {
      lastIds.put(simulationId, lastId);
    }
  }

  /** A stream of one simulation for a client that has every durable event up to {@code lastId}. */
  static EventStream ofSimulation(
      UUID simulationId, String owner, long lastId, int buffer, ObjectMapper json) {
    return new EventStream(simulationId, owner, lastId, buffer, json);
  }

  /** A live stream of every simulation of {@code owner}. */
  static EventStream ofOwner(String owner, int buffer, ObjectMapper json) {
    EventStream stream = new EventStream(null, owner, 0, buffer, json);
    stream.live = true;
    return stream;
  }

  @Nullable
  UUID simulationId() {
    return simulationId;
  }

  String owner() {
    return owner;
  }

  Flux<Event<String>> events() {
    return sink.asFlux();
  }

  /** Marks an event of the replay as sent and turns it into an SSE event. */
  synchronized Event<String> replayed(SimulationEvent event) {
    lastIds.put(event.simulationId(), event.id());
    // A replayed dead letter can resume an ended simulation: only its last end counts.
    finished = event.terminal();
    return toSse(event, json(event));
  }

  /** After the replay: the snapshot goes out first, then live events. */
  synchronized void goLive(Event<String> snapshot) {
    emit(snapshot);
    live = true;
  }

  /** Passes an event read from the log on if the client needs it now and there is room. */
  boolean offerFromLog(SimulationEvent event) {
    return offer(event, json(event), true);
  }

  /**
   * Passes an event on if the client needs it now; false once the stream is closed. {@code
   * fromLog}: the event was read from the log, which will bring it again if there is no room.
   */
  synchronized boolean offer(SimulationEvent event, String data, boolean fromLog) {
    if (finished || !live) {
      return !finished;
    }
    if (!event.durable()) {
      sink.tryEmitNext(toSse(event, data)); // no room: progress is dropped, the next one comes soon
      return true;
    }
    Long last = lastIds.get(event.simulationId());
    if (last == null && simulationId == null) {
      last = event.id() - 1; // an owner stream joins a simulation where it finds it
    }
    if (last == null || event.id() != last + 1) {
      return true; // a repeat, or early: the log tail brings it in order
    }
    Sinks.EmitResult result = sink.tryEmitNext(toSse(event, data));
    if (fromLog && result == Sinks.EmitResult.FAIL_OVERFLOW) {
      return true; // no room now: the next read of the log starts after lastIds again
    }
    if (!emitted(result)) {
      return false;
    }
    if (event.terminal()) {
      lastIds.remove(event.simulationId());
      if (simulationId != null) {
        finish();
        return false;
      }
    } else {
      lastIds.put(event.simulationId(), event.id());
    }
    return true;
  }

  /** Merges into {@code after} the lowest last id per simulation this stream waits for. */
  synchronized void collectWaiting(Map<UUID, Long> after) {
    if (live && !finished) {
      lastIds.forEach((id, last) -> after.merge(id, last, Math::min));
    }
  }

  synchronized void heartbeat() {
    if (live && !finished) {
      sink.tryEmitNext(Event.of("").comment("heartbeat"));
    }
  }

  synchronized boolean finished() {
    return finished;
  }

  /** Ends the stream after what it holds has been sent. */
  synchronized void finish() {
    finished = true;
    sink.tryEmitComplete();
  }

  private boolean emit(Event<String> event) {
    return emitted(sink.tryEmitNext(event));
  }

  private boolean emitted(Sinks.EmitResult result) {
    if (result.isSuccess()) {
      return true;
    }
    // Full (the client is too slow) or gone: the client resumes from the log.
    finished = true;
    sink.tryEmitError(new SlowClientException());
    return false;
  }

  private String json(SimulationEvent event) {
    return json(json, event);
  }

  static String json(ObjectMapper json, SimulationEvent event) {
    try {
      return json.writeValueAsString(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Event<String> toSse(SimulationEvent event, String data) {
    Event<String> sse = Event.of(data).name(event.type());
    if (event.durable()) {
      sse =
          sse.id(
              simulationId != null
                  ? Long.toString(event.id())
                  : event.simulationId() + "/" + event.id());
    }
    return sse;
  }

  /** Ends a stream whose client fell too far behind. */
  static final class SlowClientException extends RuntimeException {
    SlowClientException() {
      super("the client fell too far behind; reconnect with Last-Event-ID", null, false, false);
    }
  }
}
