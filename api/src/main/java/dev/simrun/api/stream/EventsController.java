package dev.simrun.api.stream;

import dev.simrun.api.identity.Caller;
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
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Server-Sent Events. {@code /simulations/{id}/events}: the durable events after {@code
 * Last-Event-ID} (header, or {@code ?lastEventId=}) from the log, a {@code snapshot}, then live
 * events; it closes after the simulation's last event. {@code /events}: live events of every
 * simulation of the caller.
 */
@Controller("/api/v1")
class EventsController {
  static final String LAST_EVENT_ID = "Last-Event-ID";

  private final EventHub hub;
  private final EventLog log;
  private final SimulationStore simulations;
  private final StreamConfig config;
  private final ObjectMapper json;

  EventsController(
      EventHub hub,
      EventLog log,
      SimulationStore simulations,
      StreamConfig config,
      ObjectMapper json) {
    this.hub = hub;
    this.log = log;
    this.simulations = simulations;
    this.config = config;
    this.json = json;
  }

  @Get(value = "/simulations/{id}/events", produces = MediaType.TEXT_EVENT_STREAM)
  Flux<Event<String>> simulation(
      Caller caller,
      @PathVariable UUID id,
      @Header(LAST_EVENT_ID) @Nullable String lastEventIdHeader,
      @QueryValue @Nullable String lastEventId) {
    long after =
        lastEventIdHeader != null
            ? parseLastId(LAST_EVENT_ID, lastEventIdHeader)
            : parseLastId("lastEventId", lastEventId);
    // Opening reads the database: off the event loop. Only the subscription moves; once live, a
    // client's requests reach the stream directly, without a hop through a shared thread pool
    // (with 10,000 streams that hop was the latency tail).
    return Flux.defer(() -> open(caller.owner(), id, after))
        .subscribeOn(Schedulers.boundedElastic(), false);
  }

  private Flux<Event<String>> open(String owner, UUID id, long after) {
    if (simulations.find(owner, id).isEmpty()) {
      return Flux.error(new ProblemException(ProblemTypes.NOT_FOUND, "no simulation " + id));
    }
    EventStream stream = EventStream.ofSimulation(id, owner, after, config.buffer(), json);
    if (!hub.add(stream, config.maxStreams())) {
      return Flux.error(tooMany());
    }
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
    return Flux.concat(replay, live)
        .onErrorResume(EventStream.SlowClientException.class, e -> Flux.empty())
        .doFinally(signal -> hub.remove(stream));
  }

  @Get(value = "/events", produces = MediaType.TEXT_EVENT_STREAM)
  Flux<Event<String>> owner(Caller caller) {
    EventStream stream = EventStream.ofOwner(caller.owner(), config.buffer(), json);
    if (!hub.add(stream, config.maxStreams())) {
      throw tooMany();
    }
    return stream
        .events()
        .onErrorResume(EventStream.SlowClientException.class, e -> Flux.empty())
        .doFinally(signal -> hub.remove(stream));
  }

  private Event<String> snapshot(SimulationView view) {
    try {
      return Event.of(json.writeValueAsString(SimulationResponse.of(view))).name("snapshot");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
