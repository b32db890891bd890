package dev.simrun.api.stream;

import dev.simrun.shared.events.SimulationEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Routes each event to the streams of this instance that watch its simulation or its owner. An idle
 * stream costs an entry in two maps; routing an event touches only its watchers.
 */
@Singleton
class EventHub {
  private final Map<UUID, Set<EventStream>> bySimulation = new ConcurrentHashMap<>();
  private final Map<String, Set<EventStream>> byOwner = new ConcurrentHashMap<>();
  private final AtomicInteger streams = new AtomicInteger();
  private final ObjectMapper json;
  private final Clock clock;
  private final Timer live;
  private final Timer fromLog;

  EventHub(ObjectMapper json, Clock clock, Optional<MeterRegistry> meters) {
    this.json = json;
    this.clock = clock;
    MeterRegistry registry = meters.orElseGet(CompositeMeterRegistry::new);
    Gauge.builder("simrun.sse.streams.open", streams, AtomicInteger::get)
        .description("Server-Sent Event streams open on this instance")
        .register(registry);
    this.live = deliveryTimer(registry, "pubsub");
    this.fromLog = deliveryTimer(registry, "log");
  }

  /**
   * From an event's time (set in the transaction that made it, just before it is published) to its
   * hand-off to this instance's streams; by the path it came: Pub/Sub, or a read of the event log.
   */
  private static Timer deliveryTimer(MeterRegistry registry, String source) {
    return Timer.builder("simrun.event.delivery")
        .description("From an event's creation to its hand-off to the open streams watching it")
        .tag("source", source)
        .serviceLevelObjectives(DELIVERY_BUCKETS)
        .register(registry);
  }

  private static final Duration[] DELIVERY_BUCKETS = {
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  /** Adds a stream unless {@code max} are held already. */
  boolean add(EventStream stream, int max) {
    if (streams.incrementAndGet() > max) {
      streams.decrementAndGet();
      return false;
    }
    if (stream.simulationId() != null) {
      attach(bySimulation, stream.simulationId(), stream);
    } else {
      attach(byOwner, stream.owner(), stream);
    }
    return true;
  }

  /** How many streams are held now. */
  int size() {
    return streams.get();
  }

  /** Removes a stream {@link #add} took; once per stream. */
  void remove(EventStream stream) {
    if (stream.simulationId() != null) {
      detach(bySimulation, stream.simulationId(), stream);
    } else {
      detach(byOwner, stream.owner(), stream);
    }
    streams.decrementAndGet();
  }

  private static <K> void attach(Map<K, Set<EventStream>> index, K key, EventStream stream) {
    index.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(stream);
  }

  private static <K> void detach(Map<K, Set<EventStream>> index, K key, EventStream stream) {
    index.computeIfPresent(
        key,
        (k, set) -> {
          set.remove(stream);
          return set.isEmpty() ? null : set;
        });
  }

  /** Routes a live event; its JSON is made once, however many streams watch it. */
  void deliver(SimulationEvent event) {
    deliver(event, false);
  }

  /** Routes an event read from the log: a stream without room gets it on a later read. */
  void deliverFromLog(SimulationEvent event) {
    deliver(event, true);
  }

  private void deliver(SimulationEvent event, boolean fromLog) {
    Set<EventStream> ofSimulation = bySimulation.get(event.simulationId());
    Set<EventStream> ofOwner = byOwner.get(event.owner());
    if (ofSimulation == null && ofOwner == null) {
      return;
    }
    String data = EventStream.json(json, event);
    deliver(ofSimulation, event, data, fromLog);
    deliver(ofOwner, event, data, fromLog);
    recordDelivery(event, fromLog);
  }

  private void recordDelivery(SimulationEvent event, boolean fromLog) {
    try {
      Duration took = Duration.between(Instant.parse(event.at()), clock.instant());
      (fromLog ? this.fromLog : live).record(took.isNegative() ? Duration.ZERO : took);
    } catch (DateTimeParseException e) {
      // An event without a readable time is still delivered; it is not measured.
    }
  }

  private static void deliver(
      Set<EventStream> watchers, SimulationEvent event, String data, boolean fromLog) {
    if (watchers != null) {
      for (EventStream stream : watchers) {
        stream.offer(event, data, fromLog);
      }
    }
  }

  /** For each watched simulation, the lowest last id among its live streams. */
  Map<UUID, Long> waitingFor() {
    Map<UUID, Long> after = new HashMap<>();
    for (Set<EventStream> set : bySimulation.values()) {
      collect(set, after);
    }
    for (Set<EventStream> set : byOwner.values()) {
      collect(set, after);
    }
    return after;
  }

  private static void collect(Set<EventStream> set, Map<UUID, Long> after) {
    for (EventStream stream : set) {
      stream.collectWaiting(after);
    }
  }

  /**
   * Sends a heartbeat to slice {@code slice} of {@code slices} of the streams: called once per
   * slice over the heartbeat interval, it spreads 10,000 heartbeats over the interval instead of
   * writing them all at once in front of live events.
   */
  void heartbeat(int slice, int slices) {
    bySimulation.values().forEach(set -> beat(set, slice, slices));
    byOwner.values().forEach(set -> beat(set, slice, slices));
  }

  private static void beat(Set<EventStream> set, int slice, int slices) {
    for (EventStream stream : set) {
      if (Math.floorMod(System.identityHashCode(stream), slices) == slice) {
        stream.heartbeat();
      }
    }
  }

  int streams() {
    return streams.get();
  }
}
