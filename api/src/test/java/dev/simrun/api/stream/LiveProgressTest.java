package dev.simrun.api.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.SseClient;
import dev.simrun.api.testing.SseClient.Sse;
import dev.simrun.api.testing.TestStack;
import dev.simrun.shared.events.EventPublisher;
import dev.simrun.shared.events.EventType;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.simulations.ChunkStore;
import dev.simrun.shared.simulations.FinalizeStore;
import dev.simrun.shared.testing.PubSubEmulator;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.client.HttpClient;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two api instances on one database and gcloud's Pub/Sub emulator. The worker's side is played by
 * the stores and the event publisher it uses, so every event takes the production path: the log in
 * the commit's transaction, then Pub/Sub, then each instance's own subscription, hub and stream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveProgressTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final int CHUNKS = 5;

  /** queued, started, one chunk.succeeded per chunk, succeeded. */
  static final long DURABLE = 1 + 1 + CHUNKS + 1;

  Map<String, Object> properties;
  EmbeddedServer a;
  EmbeddedServer b;

  @BeforeAll
  void start() throws Exception {
    properties = new HashMap<>(TestStack.properties());
    properties.putAll(pubsub(PubSubEmulator.shared()));
    properties.put("simrun.stream.heartbeat", "1s");
    a = ApplicationContext.run(EmbeddedServer.class, properties);
    b = ApplicationContext.run(EmbeddedServer.class, properties);
    awaitFeedsLive();
  }

  /**
   * A fresh subscription's first streaming pull takes a moment to flow; until then durable events
   * arrive from the log alone. Wait until a progress event reaches a stream on each instance.
   */
  void awaitFeedsLive() throws Exception {
    UUID probe = submit(a, "probe");
    try (SseClient onA = open(a, "probe", probe, Map.of());
        SseClient onB = open(b, "probe", probe, Map.of())) {
      untilSnapshot(onA);
      untilSnapshot(onB);
      EventPublisher events = a.getApplicationContext().getBean(EventPublisher.class);
      for (SseClient client : List.of(onA, onB)) {
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  events.publish(
                      SimulationEvent.transientEvent(
                          EventType.CHUNK_PROGRESS,
                          probe,
                          "probe",
                          java.time.Instant.now(),
                          Map.of("chunk", 0, "fraction", 0.1)));
                  try {
                    return "chunk.progress".equals(client.next(Duration.ofMillis(500)).name());
                  } catch (AssertionError noneYet) {
                    return false;
                  }
                });
      }
    }
  }

  static Map<String, String> pubsub(PubSubEmulator emulator) {
    return Map.of(
        "simrun.pubsub.enabled", "true",
        "simrun.pubsub.emulator-host", emulator.host(),
        "simrun.pubsub.create-topics", "true",
        "simrun.pubsub.call-timeout", "2s",
        "simrun.stream.tail-interval", "300ms");
  }

  @AfterAll
  void stop() {
    b.close();
    a.close();
  }

  @Test
  void bothInstancesStreamOneSimulationLiveAndInOrder() throws Exception {
    UUID id = submit(a, "ann");
    try (SseClient onA = open(a, "ann", id, Map.of());
        SseClient onB = open(b, "ann", id, Map.of())) {
      List<Sse> seenA = new ArrayList<>(untilSnapshot(onA));
      List<Sse> seenB = new ArrayList<>(untilSnapshot(onB));
      Worker worker = new Worker(a);
      for (int chunk = 0; chunk < CHUNKS; chunk++) {
        worker.runChunk(id, chunk);
      }
      // Transient events come only through Pub/Sub; the log tail may bring the durable ones
      // first, and a stream closes at the terminal event. So both streams show the transient
      // events before the simulation ends.
      seenA.addAll(untilBoth(onA, "chunk.started", "chunk.progress"));
      seenB.addAll(untilBoth(onB, "chunk.started", "chunk.progress"));
      worker.finish(id);
      seenA.addAll(onA.untilClosed(WAIT));
      seenB.addAll(onB.untilClosed(WAIT));
      for (List<Sse> seen : List.of(seenA, seenB)) {
        assertThat(durableIds(seen)).containsExactlyElementsOf(range(1, DURABLE));
        assertThat(names(seen))
            .as("transient events only travel through Pub/Sub")
            .contains("chunk.started", "chunk.progress");
        assertThat(seen.getLast().name()).isEqualTo("simulation.succeeded");
        assertThat(seen.getLast().data()).contains("/api/v1/simulations/" + id + "/result");
      }
    }
  }

  @Test
  void aClientThatReconnectsGetsEveryMissedDurableEventOnceInOrder() throws Exception {
    UUID id = submit(a, "bea");
    Worker worker = new Worker(a);
    long seen;
    try (SseClient first = open(a, "bea", id, Map.of())) {
      untilSnapshot(first);
      worker.runChunk(id, 0);
      worker.runChunk(id, 1);
      Sse last;
      do {
        last = first.next(WAIT);
      } while (!"3".equals(last.id()));
      seen = 3;
    }
    for (int chunk = 2; chunk < CHUNKS; chunk++) {
      worker.runChunk(id, chunk);
    }
    try (SseClient again = open(b, "bea", id, Map.of("Last-Event-ID", Long.toString(seen)))) {
      List<Sse> replayed = untilSnapshot(again);
      assertThat(durableIds(replayed)).containsExactlyElementsOf(range(seen + 1, DURABLE - 1));
      worker.finish(id);
      List<Sse> rest = again.untilClosed(WAIT);
      assertThat(durableIds(rest)).containsExactly(DURABLE);
    }
    try (SseClient byQuery = openUri(a, "bea", id, "?lastEventId=" + (DURABLE - 1))) {
      List<Sse> rest = byQuery.untilClosed(WAIT);
      assertThat(durableIds(rest)).containsExactly(DURABLE);
      assertThat(names(rest)).containsExactly("simulation.succeeded", "snapshot");
    }
  }

  @Test
  void theStreamOfAFinishedSimulationReplaysAndCloses() throws Exception {
    UUID id = submit(b, "cy");
    Worker worker = new Worker(b);
    for (int chunk = 0; chunk < CHUNKS; chunk++) {
      worker.runChunk(id, chunk);
    }
    worker.finish(id);
    try (SseClient late = open(a, "cy", id, Map.of())) {
      List<Sse> all = late.untilClosed(WAIT);
      assertThat(durableIds(all)).containsExactlyElementsOf(range(1, DURABLE));
      assertThat(all.getLast().name()).isEqualTo("snapshot");
      assertThat(all.getLast().data()).contains("\"status\":\"SUCCEEDED\"");
    }
  }

  @Test
  void withPubSubGoneDurableEventsStillArriveAndHealthSaysDegraded() throws Exception {
    PubSubEmulator own = PubSubEmulator.start();
    Map<String, Object> p = new HashMap<>(properties);
    p.putAll(pubsub(own));
    try (EmbeddedServer c = ApplicationContext.run(EmbeddedServer.class, p)) {
      UUID id = submit(c, "dee");
      Worker worker = new Worker(c);
      try (SseClient client = open(c, "dee", id, Map.of())) {
        List<Sse> seen = new ArrayList<>(untilSnapshot(client));
        worker.runChunk(id, 0);
        own.close();
        for (int chunk = 1; chunk < CHUNKS; chunk++) {
          worker.runChunk(id, chunk);
        }
        worker.finish(id);
        seen.addAll(client.untilClosed(WAIT));
        assertThat(durableIds(seen)).containsExactlyElementsOf(range(1, DURABLE));
      }
      Api.Reply health = api(c).get("dee", "/health");
      assertThat(health.body()).contains("DEGRADED");
    } finally {
      own.close();
    }
  }

  @Test
  void aBacklogFromTheLogLargerThanTheBufferArrivesOnOneConnection() throws Exception {
    Map<String, Object> p = new HashMap<>(properties);
    p.put("simrun.pubsub.enabled", "false"); // every durable event comes from the log
    p.put("simrun.stream.buffer", "8");
    p.put("simrun.stream.tail-interval", "300ms");
    int chunks = 40;
    try (EmbeddedServer c = ApplicationContext.run(EmbeddedServer.class, p)) {
      Api.Reply submitted = api(c).submit("eve", Api.units(chunks, 1));
      assertThat(submitted.status()).isEqualTo(202);
      UUID id = submitted.id();
      Worker worker = new Worker(c);
      try (SseClient client = open(c, "eve", id, Map.of())) {
        List<Sse> seen = new ArrayList<>(untilSnapshot(client));
        // 41 durable events land in the log between two reads of it: five times the buffer.
        for (int chunk = 0; chunk < chunks; chunk++) {
          worker.runChunk(id, chunk);
        }
        worker.finish(id);
        seen.addAll(client.untilClosed(WAIT));
        assertThat(durableIds(seen))
            .as("every durable event once, in order, on the one connection")
            .containsExactlyElementsOf(range(1, chunks + 3));
        assertThat(seen.getLast().name()).isEqualTo("simulation.succeeded");
      }
    }
  }

  @Test
  void anOwnersStreamCarriesEverySimulationOfThatOwnerOnly() throws Exception {
    try (SseClient gus = ownerStream(b, "gus");
        SseClient other = ownerStream(b, "hal")) {
      UUID first = submit(a, "gus");
      UUID second = submit(a, "gus");
      UUID foreign = submit(a, "hal");
      Worker worker = new Worker(a);
      worker.runChunk(first, 0);
      worker.runChunk(second, 0);
      List<Sse> seen = new ArrayList<>();
      org.awaitility.Awaitility.await()
          .atMost(WAIT)
          .until(
              () -> {
                seen.add(gus.next(WAIT));
                return seen.stream().filter(e -> "chunk.succeeded".equals(e.name())).count() == 2;
              });
      assertThat(seen)
          .extracting(Sse::data)
          .allMatch(d -> d.contains(first.toString()) || d.contains(second.toString()));
      assertThat(seen)
          .filteredOn(e -> e.id() != null)
          .extracting(Sse::id)
          .contains(first + "/1", second + "/1", first + "/3", second + "/3");
      Sse theirs = other.next(WAIT);
      assertThat(theirs.data()).contains(foreign.toString());
    }
  }

  static SseClient ownerStream(EmbeddedServer server, String owner) throws Exception {
    SseClient client =
        SseClient.open(URI.create(server.getURL() + "/api/v1/events"), owner, Map.of());
    assertThat(client.status()).isEqualTo(200);
    return client;
  }

  @Test
  void anIdleStreamGetsHeartbeatComments() throws Exception {
    UUID id = submit(a, "fay");
    try (SseClient idle = open(a, "fay", id, Map.of())) {
      untilSnapshot(idle);
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> idle.comments() >= 2);
      assertThat(idle.isClosed()).isFalse();
    }
  }

  @Test
  void badOrForeignRequestsGetProblems() {
    UUID id = submit(a, "eve");
    Api api = api(a);
    Api.Reply bad = api.get("eve", "/api/v1/simulations/" + id + "/events?lastEventId=seven");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.contentType()).startsWith(Api.PROBLEM_JSON);
    assertThat(bad.body()).contains("lastEventId");
    assertThat(api.get("mallory", "/api/v1/simulations/" + id + "/events").status()).isEqualTo(404);
    assertThat(api.get("eve", "/api/v1/simulations/" + UUID.randomUUID() + "/events").status())
        .isEqualTo(404);
  }

  // ------------------------------------------------------------------------------------ helpers

  /** What the worker does around a chunk, with the worker's stores and publisher. */
  static final class Worker {
    final ChunkStore chunks;
    final FinalizeStore finalizes;
    final EventPublisher events;
    final Clock clock;

    Worker(EmbeddedServer server) {
      chunks = server.getApplicationContext().getBean(ChunkStore.class);
      finalizes = server.getApplicationContext().getBean(FinalizeStore.class);
      events = server.getApplicationContext().getBean(EventPublisher.class);
      clock = server.getApplicationContext().getBean(Clock.class);
    }

    void runChunk(UUID id, int chunk) {
      var claimed = (ChunkStore.Claimed) chunks.claim(id, chunk, 0, Duration.ofMinutes(1));
      events.publish(claimed.events());
      events.publish(
          SimulationEvent.transientEvent(
              EventType.CHUNK_PROGRESS,
              id,
              claimed.owner(),
              clock.instant(),
              Map.of("chunk", chunk, "fraction", 0.5)));
      var committed =
          (ChunkStore.Committed)
              chunks.commitSuccess(
                  id, chunk, claimed.attempt(), "{\"units\":1}".getBytes(StandardCharsets.UTF_8));
      events.publish(committed.events());
    }

    void finish(UUID id) {
      finalizes
          .finalizeSucceeded(
              id,
              "{\"units\":5}".getBytes(StandardCharsets.UTF_8),
              Map.of("result", "/api/v1/simulations/" + id + "/result"))
          .ifPresent(events::publish);
    }
  }

  static Api api(EmbeddedServer server) {
    return new Api(
        server.getApplicationContext().createBean(HttpClient.class, server.getURL()),
        server.getApplicationContext().getBean(JsonMapper.class));
  }

  static UUID submit(EmbeddedServer server, String owner) {
    Api.Reply reply = api(server).submit(owner, Api.units(CHUNKS, 1));
    assertThat(reply.status()).isEqualTo(202);
    return reply.id();
  }

  static SseClient open(EmbeddedServer server, String owner, UUID id, Map<String, String> headers)
      throws Exception {
    return open(server, owner, id, "", headers);
  }

  static SseClient openUri(EmbeddedServer server, String owner, UUID id, String query)
      throws Exception {
    return open(server, owner, id, query, Map.of());
  }

  static SseClient open(
      EmbeddedServer server, String owner, UUID id, String query, Map<String, String> headers)
      throws Exception {
    URI uri = URI.create(server.getURL() + "/api/v1/simulations/" + id + "/events" + query);
    SseClient client = SseClient.open(uri, owner, headers);
    assertThat(client.status()).isEqualTo(200);
    return client;
  }

  /** Events until both names have been seen. */
  static List<Sse> untilBoth(SseClient client, String one, String other)
      throws InterruptedException {
    List<Sse> seen = new ArrayList<>();
    while (!names(seen).contains(one) || !names(seen).contains(other)) {
      seen.add(client.next(WAIT));
    }
    return seen;
  }

  /** Events up to and with the snapshot, which ends the replay. */
  static List<Sse> untilSnapshot(SseClient client) throws InterruptedException {
    List<Sse> seen = new ArrayList<>();
    Sse e;
    do {
      e = client.next(WAIT);
      seen.add(e);
    } while (!"snapshot".equals(e.name()));
    return seen;
  }

  static List<Long> durableIds(List<Sse> events) {
    return events.stream().filter(e -> e.id() != null).map(e -> Long.parseLong(e.id())).toList();
  }

  static List<String> names(List<Sse> events) {
    return events.stream().map(Sse::name).toList();
  }

  static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }
}
