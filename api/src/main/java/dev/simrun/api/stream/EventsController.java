package dev.simrun.api.stream;

import dev.simrun.api.docs.ProblemAnswers;
import dev.simrun.api.identity.Caller;
import dev.simrun.api.limits.LimitMetrics;
import dev.simrun.api.limits.OwnerSlots;
import dev.simrun.api.problems.ApiProblems;
import dev.simrun.api.simulations.SimulationResponse;
import dev.simrun.problems.ProblemException;
import dev.simrun.problems.ProblemTypes;
import dev.simrun.shared.events.EventLog;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.simulations.SimulationStore;
import dev.simrun.shared.simulations.SimulationView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.ObjectMapper;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Server-Sent Events. {@code /simulations/{id}/events}: the durable events after {@code
 * Last-Event-ID} (header, or {@code ?lastEventId=}) from the log, a {@code snapshot}, then live
 * events; it closes after the simulation's last event. {@code /events}: live events of every
 * simulation of the caller.
 *
 * <p>Each owner holds at most {@code max-streams-per-owner} streams here at once: one more is
 * refused before it opens. A stream's place is taken when it is subscribed and given back when it
 * ends, however it ends (the client gone, the simulation over, an error, the server stopping).
 */
@ProblemAnswers
@Tag(name = "Events")
@Controller("/api/v1")
class EventsController {
  static final String LAST_EVENT_ID = "Last-Event-ID";

  /** What a caller over its own cap is told: a stream of theirs may well have ended by then. */
  static final Duration RETRY_STREAM = Duration.ofSeconds(5);

  private final EventHub hub;
  private final EventLog log;
  private final SimulationStore simulations;
  private final StreamConfig config;
  private final ObjectMapper json;
  private final OwnerSlots perOwner;
  private final LimitMetrics limits;

  EventsController(
      EventHub hub,
      EventLog log,
      SimulationStore simulations,
      StreamConfig config,
      ObjectMapper json,
      LimitMetrics limits) {
    this.limits = limits;
    this.hub = hub;
    this.log = log;
    this.simulations = simulations;
    this.config = config;
    this.json = json;
    this.perOwner = new OwnerSlots(config.maxStreamsPerOwner());
  }

  @Get(value = "/simulations/{id}/events", produces = MediaType.TEXT_EVENT_STREAM)
  @ExecuteOn(TaskExecutors.BLOCKING)
  Flux<Event<String>> simulation(
      @Parameter(hidden = true) Caller caller,
      @PathVariable UUID id,
      @Header(LAST_EVENT_ID) @Nullable String lastEventIdHeader,
      @QueryValue @Nullable String lastEventId) {
    long after =
        lastEventIdHeader != null
            ? parseLastId(LAST_EVENT_ID, lastEventIdHeader)
            : parseLastId("lastEventId", lastEventId);
    // Refusals are decided before the response starts (this lookup is why the method runs off the
    // event loop). Decided inside the stream they would read the same to the client, but end a
    // stream in error, which the server logs at ERROR: anyone could fill the log with unknown ids.
    String owner = caller.owner();
    if (simulations.find(owner, id).isEmpty()) {
      throw new ProblemException(ProblemTypes.NOT_FOUND, "no simulation " + id);
    }
    refuseWhenFull(owner);
    // Once live, a client's requests reach the stream directly, without a hop through a shared
    // thread pool (with 10,000 streams that hop was the latency tail).
    return Flux.defer(
        () -> {
          EventStream stream = EventStream.ofSimulation(id, owner, after, config.buffer(), json);
          return held(stream, () -> events(stream, owner, id, after));
        });
  }

  /**
   * Refuses a stream its owner or this instance has no room for, before the response starts. The
   * places are taken only when the stream is subscribed ({@link #held}), which decides a race
   * between two openings.
   */
  private void refuseWhenFull(String owner) {
    if (perOwner.held(owner) >= perOwner.max()) {
      limits.refused(LimitMetrics.STREAMS_PER_OWNER);
      throw tooManyOfOwner();
    }
    if (hub.size() >= config.maxStreams()) {
      limits.refused(LimitMetrics.STREAMS);
      throw tooMany();
    }
  }

  /**
   * The stream's events while it holds its owner's place and the hub's: refused before it opens
   * when either is full, and both given back when it ends, whatever ends it.
   */
  private Flux<Event<String>> held(EventStream stream, Supplier<Flux<Event<String>>> events) {
    Optional<OwnerSlots.Slot> slot = perOwner.tryTake(stream.owner());
    if (slot.isEmpty()) {
      limits.refused(LimitMetrics.STREAMS_PER_OWNER);
      return Flux.error(tooManyOfOwner());
    }
    if (!hub.add(stream, config.maxStreams())) {
      slot.get().close();
      limits.refused(LimitMetrics.STREAMS);
      return Flux.error(tooMany());
    }
    Runnable release =
        () -> {
          hub.remove(stream);
          slot.get().close();
        };
    try {
      return events
          .get()
          .onErrorResume(EventStream.SlowClientException.class, e -> Flux.empty())
          .doFinally(signal -> release.run());
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
  }

  private Flux<Event<String>> events(EventStream stream, String owner, UUID id, long after) {
    Flux<Event<String>> replay =
        Flux.<List<SimulationEvent>, Long>generate(
                () -> after,
                (last, sink) -> {
                  List<SimulationEvent> page = log.after(id, last, config.replayPage());
                  if (page.isEmpty()) {
                    sink.complete();
                    return last;
                  }
                  sink.next(page);
                  if (page.size() < config.replayPage()) {
                    sink.complete();
                  }
                  return page.getLast().id();
                })
            .concatMapIterable(page -> page)
            .map(stream::replayed)
            // Each page is a query: pulled on a blocking-friendly thread.
            .subscribeOn(Schedulers.boundedElastic());
    Flux<Event<String>> live =
        Flux.defer(
                () -> {
                  SimulationView now = simulations.find(owner, id).orElseThrow();
                  stream.goLive(snapshot(now));
                  if (!stream.finished()) {
                    // What committed while the replay ran, before this stream went live.
                    Map<UUID, Long> waiting = new HashMap<>();
                    stream.collectWaiting(waiting);
                    log.after(waiting, config.replayPage()).forEach(stream::offerFromLog);
                    if (now.status().terminal() && !stream.finished()) {
                      stream.finish();
                    }
                  } else {
                    stream.finish();
                  }
                  return stream.events();
                })
            .subscribeOn(Schedulers.boundedElastic(), false);
    return Flux.concat(replay, live);
  }

  @Get(value = "/events", produces = MediaType.TEXT_EVENT_STREAM)
  Flux<Event<String>> owner(@Parameter(hidden = true) Caller caller) {
    refuseWhenFull(caller.owner());
    // Taken when subscribed, like a simulation's stream: a response that is never subscribed to
    // holds nothing.
    return Flux.defer(
        () -> {
          EventStream stream = EventStream.ofOwner(caller.owner(), config.buffer(), json);
          // An opening comment sends the response's headers now: an idle owner would otherwise
          // wait for the first event or heartbeat to learn the stream is open.
          return held(
              stream, () -> Flux.concat(Mono.just(Event.of("").comment("open")), stream.events()));
        });
  }

  private Event<String> snapshot(SimulationView view) {
    try {
      return Event.of(json.writeValueAsString(SimulationResponse.of(view))).name("snapshot");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ProblemException tooManyOfOwner() {
    return ProblemException.retryLater(
        ProblemTypes.OVER_LIMIT,
        "you have "
            + config.maxStreamsPerOwner()
            + " event streams open here, the most one caller may have at once; close one (a"
            + " stream of a simulation closes by itself when the simulation ends)",
        RETRY_STREAM);
  }

  private static ProblemException tooMany() {
    return new ProblemException(
        ApiProblems.TOO_MANY_STREAMS, "this instance holds as many event streams as it may");
  }

  private static long parseLastId(String name, @Nullable String value) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      long id = Long.parseLong(value.strip());
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ProblemException.badParameter(name, "must be the id of an event: a whole number >= 0");
  }
}
