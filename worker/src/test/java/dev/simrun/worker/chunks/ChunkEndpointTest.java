package dev.simrun.worker.chunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.kinds.UnitRange;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.simulations.ChunkAttempts;
import dev.simrun.shared.simulations.ChunkStore;
import dev.simrun.testing.TestClock;
import dev.simrun.worker.WorkerConfig;
import dev.simrun.worker.testing.Gates;
import dev.simrun.worker.testing.Rows;
import dev.simrun.worker.testing.Simulations;
import dev.simrun.worker.testing.SumKind;
import dev.simrun.worker.testing.WorkerHarness;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /tasks/v1/chunks} driven by hand over HTTP with a real token from the emulator: each
 * answer the handler can give, and what it leaves in the chunk row.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChunkEndpointTest implements TestPropertyProvider {
  static final String PATH = "/tasks/v1/chunks";

  WorkerHarness tasks;
  String token;

  @Inject Simulations simulations;
  @Inject ChunkStore chunks;
  @Inject ChunkAttempts attempts;
  @Inject SimulationKinds kinds;
  @Inject SumKind kind;
  @Inject Rows rows;
  @Inject TestClock clock;

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start();
    return tasks.properties();
  }

  @BeforeAll
  void token() {
    token = tasks.token();
  }

  @AfterAll
  void stop() {
    tasks.close();
  }

  HttpResponse<String> push(UUID simulationId, int chunk, int generation) {
    return tasks.post(PATH, Simulations.chunkTask(simulationId, chunk, generation), token);
  }

  byte[] directChunk(SumKind.Params params, long from, long to) {
    return kinds.write(kind.runChunk(params, new UnitRange(from, to), ChunkContext.NONE));
  }

  @Test
  void aChunkRunsOnceAndItsDuplicateHasNothingToDo() {
    SumKind.Params params = SumKind.Params.of(30, 10);
    UUID id = simulations.create(params);

    HttpResponse<String> first = push(id, 1, 0);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("{\"outcome\":\"committed\",\"attempt\":1}");
    Rows.Chunk row = rows.chunk(id, 1);
    assertThat(row.status()).isEqualTo("SUCCEEDED");
    assertThat(row.progress()).isEqualTo(1.0);
    assertThat(row.result()).isEqualTo(directChunk(params, 10, 20));
    assertThat(rows.status(id)).isEqualTo("RUNNING");

    List<String> before = rows.snapshot(id);
    HttpResponse<String> again = push(id, 1, 0);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body())
        .isEqualTo("{\"outcome\":\"nothing-to-do\",\"detail\":\"chunk already SUCCEEDED\"}");
    assertThat(rows.snapshot(id)).isEqualTo(before);
  }

  @Test
  void staleGenerationsAndUnknownChunksHaveNothingToDo() {
    UUID id = simulations.create(SumKind.Params.of(10, 10));
    List<String> before = rows.snapshot(id);
    assertThat(push(id, 0, 3).body()).contains("nothing-to-do", "stale generation 3");
    assertThat(push(id, 7, 0).body()).contains("nothing-to-do", "no such chunk");
    assertThat(push(UUID.randomUUID(), 0, 0).body()).contains("nothing-to-do", "no such chunk");
    assertThat(rows.snapshot(id)).isEqualTo(before);
  }

  @Test
  void whileAnotherAttemptHoldsALiveLeaseTheAnswerIs409AndNothingChanges() {
    UUID id = simulations.create(SumKind.Params.of(10, 10));
    var holder = (ChunkStore.Claimed) chunks.claim(id, 0, 0, Duration.ofMinutes(5));
    List<String> before = rows.snapshot(id);

    HttpResponse<String> r = push(id, 0, 0);

    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.headers().firstValue("Retry-After")).as("would hold the whole queue").isEmpty();
    assertThat(r.body()).contains("https://simrun.dev/problems/chunk-busy");
    assertThat(rows.snapshot(id)).isEqualTo(before);
    assertThat(rows.chunk(id, 0).attempt()).isEqualTo(holder.attempt());
  }

  @Test
  void aStaleAttemptCannotOverwriteTheResultOfANewerOne() throws Exception {
    String gate = "stale-" + UUID.randomUUID();
    SumKind.Params params = SumKind.Params.of(10, 10).gated(gate);
    UUID id = simulations.create(params);
    CompletableFuture<HttpResponse<String>> stale =
        CompletableFuture.supplyAsync(() -> push(id, 0, 0));
    await().until(() -> Gates.waiting(gate) == 1);
    assertThat(rows.chunk(id, 0).attempt()).isEqualTo(1);

    // Attempt 1 stalls past its lease; another delivery takes the chunk over and commits.
    clock.advance(Duration.ofMinutes(6));
    var newer = (ChunkStore.Claimed) chunks.claim(id, 0, 0, Duration.ofMinutes(5));
    assertThat(newer.attempt()).isEqualTo(2);
    byte[] newerResult = directChunk(SumKind.Params.of(10, 10), 0, 10);
    assertThat(chunks.commitSuccess(id, 0, newer.attempt(), newerResult))
        .isInstanceOf(ChunkStore.Committed.class);

    Gates.open(gate);
    HttpResponse<String> r = stale.get();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"outcome\":\"superseded\"", "\"attempt\":1");
    Rows.Chunk row = rows.chunk(id, 0);
    assertThat(row.attempt()).isEqualTo(2);
    assertThat(row.result()).isEqualTo(newerResult);
    assertThat(rows.chunksDone(id)).isEqualTo(1);
  }

  @Test
  void aBodyThatIsNotATaskIsAProblem() {
    HttpResponse<String> r = tasks.post(PATH, "{not json", token);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.body()).contains("https://simrun.dev/problems/malformed-body");
  }

  @Test
  void aFailingKindAnswers500AndGivesTheChunkBackForTheRetry() {
    UUID id = simulations.create(SumKind.Params.of(10, 10).failingAt(3));

    HttpResponse<String> r = push(id, 0, 0);
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).contains("https://simrun.dev/problems/chunk-failed", "unit 3 fails");
    Rows.Chunk row = rows.chunk(id, 0);
    assertThat(row.status()).isEqualTo("PENDING");
    assertThat(row.leaseUntil()).isNull();
    assertThat(row.error()).contains("unit 3 fails");

    // Cloud Tasks' retry claims it at once, as the next attempt, instead of waiting for a lease.
    assertThat(push(id, 0, 0).statusCode()).isEqualTo(500);
    assertThat(rows.chunk(id, 0).attempt()).isEqualTo(2);
  }

  @Test
  void progressReachesTheChunkRowWhileItRuns() throws Exception {
    // Held halfway until the test has seen its progress, however long that takes to look at.
    String gate = "progress-" + UUID.randomUUID();
    UUID id = simulations.create(SumKind.Params.of(40, 40).gatedAt(gate, 20));
    CompletableFuture<HttpResponse<String>> run =
        CompletableFuture.supplyAsync(() -> push(id, 0, 0));
    await().atMost(Duration.ofSeconds(30)).until(() -> Gates.waiting(gate) == 1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> rows.chunk(id, 0), c -> c.progress() > 0 && c.progress() < 1);
    Gates.open(gate);
    assertThat(run.get().statusCode()).isEqualTo(200);
    assertThat(rows.chunk(id, 0).progress()).isEqualTo(1.0);
  }

  @Test
  void progressIsWrittenAndPublishedAtMostOncePerIntervalAndExtendsTheLease() {
    UUID id = simulations.create(SumKind.Params.of(10, 10));
    var claimed = (ChunkStore.Claimed) chunks.claim(id, 0, 0, Duration.ofMinutes(1));
    List<SimulationEvent> published = new CopyOnWriteArrayList<>();
    var context =
        new ProgressContext(
            attempts,
            published::addAll,
            clock,
            claimed,
            new WorkerConfig(
                Duration.ofMinutes(5),
                Duration.ofMillis(500),
                Duration.ofMillis(250),
                Duration.ofMillis(250),
                Duration.ofMinutes(9),
                Duration.ofMinutes(10),
                0,
                128,
                Duration.ofSeconds(20),
                3,
                0.1,
                Duration.ofSeconds(1)),
            kinds);

    context.progress(0.1, Map.of("day", 3));
    Rows.Chunk first = rows.chunk(id, 0);
    assertThat(first.progress()).isEqualTo(0.1);
    assertThat(first.leaseUntil()).isAfter(clock.instant().plus(Duration.ofMinutes(4)));
    for (int i = 2; i < 10; i++) {
      context.progress(i / 10.0, Map.of());
    }
    assertThat(rows.chunk(id, 0).progress()).as("within the interval").isEqualTo(0.1);
    assertThat(published).as("one event per 250 ms").hasSize(1);
    SimulationEvent event = published.getFirst();
    assertThat(event.type()).isEqualTo("chunk.progress");
    assertThat(event.id()).as("progress is not durable").isNull();
    assertThat(event.data())
        .containsEntry("fraction", 0.1)
        .containsEntry("day", 3)
        .containsEntry("chunk", 0);

    clock.advance(Duration.ofMillis(250));
    context.progress(0.5, Map.of());
    assertThat(published).hasSize(2);
    assertThat(published.getLast().data()).containsEntry("fraction", 0.5);
    assertThat(rows.chunk(id, 0).progress()).as("the row waits 500 ms").isEqualTo(0.1);

    clock.advance(Duration.ofMillis(250));
    context.progress(0.95, Map.of());
    assertThat(rows.chunk(id, 0).progress()).isEqualTo(0.95);

    // Once a newer attempt owns the chunk, the old one's progress goes nowhere.
    clock.advance(Duration.ofMinutes(10));
    var newer = (ChunkStore.Claimed) chunks.claim(id, 0, 0, Duration.ofMinutes(1));
    Rows.Chunk taken = rows.chunk(id, 0);
    context.progress(0.99, Map.of());
    assertThat(rows.chunk(id, 0).progress()).isEqualTo(taken.progress());
    assertThat(rows.chunk(id, 0).leaseUntil()).isEqualTo(taken.leaseUntil());
    assertThat(newer.attempt()).isEqualTo(2);
  }
}
