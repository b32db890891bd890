package dev.simrun.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.emulator.tasks.EmulatorStats;
import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.InMemoryRun;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.kinds.UnitRange;
import dev.simrun.shared.access.Scope;
import dev.simrun.shared.deadletters.DeadLetter;
import dev.simrun.shared.deadletters.DeadLetterPublisher;
import dev.simrun.shared.deadletters.DeadLetterStatus;
import dev.simrun.shared.deadletters.DeadLetterStore;
import dev.simrun.shared.dispatch.OutboxDispatcher;
import dev.simrun.shared.simulations.ChunkStore;
import dev.simrun.shared.simulations.SimulationStatus;
import dev.simrun.shared.simulations.SimulationStore;
import dev.simrun.shared.testing.PubSubEmulator;
import dev.simrun.worker.auth.TaskDelivery;
import dev.simrun.worker.testing.DeliveryLog;
import dev.simrun.worker.testing.Rows;
import dev.simrun.worker.testing.Simulations;
import dev.simrun.worker.testing.SumKind;
import dev.simrun.worker.testing.Switches;
import dev.simrun.worker.testing.WorkerHarness;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Chunks that fail for good: on the queue's last attempt (3 here) or at once when permanent, the
 * worker records a dead letter, marks the chunk FAILED, answers 200 so Cloud Tasks stops, and the
 * failure policy decides the simulation's fate; replaying the letter once the cause is gone
 * completes the simulation.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLettersTest implements TestPropertyProvider {
  static final int MAX_ATTEMPTS = 3;
  static final String PATH = "/tasks/v1/chunks";

  WorkerHarness tasks;
  String token;

  @Inject Simulations simulations;
  @Inject SimulationStore store;
  @Inject DeadLetterStore deadLetters;
  @Inject OutboxDispatcher dispatcher;
  @Inject SimulationKinds kinds;
  @Inject SumKind kind;
  @Inject Rows rows;
  @Inject DeliveryLog deliveries;
  @Inject DeadLetterPublisher publisher;
  @Inject ChunkStore chunks;

  /** A project of this class's own on the shared Pub/Sub emulator. */
  final String project = "dl-" + UUID.randomUUID().toString().substring(0, 8);

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start(MAX_ATTEMPTS);
    Map<String, String> p = new HashMap<>(tasks.properties());
    p.put("simrun.pubsub.enabled", "true");
    p.put("simrun.pubsub.project", project);
    p.put("simrun.pubsub.emulator-host", PubSubEmulator.shared().host());
    p.put("simrun.pubsub.create-topics", "true");
    return p;
  }

  @BeforeAll
  void token() {
    token = tasks.token();
    // Asking for the publisher creates the topics; the subscription then keeps what arrives.
    assertThat(publisher).isNotNull();
    PubSubEmulator.shared().subscribe(project, "simulation-dead-letters", "operators");
  }

  @AfterAll
  void stop() {
    tasks.close();
  }

  /** A push as Cloud Tasks makes it after {@code retries} earlier attempts of the task. */
  HttpResponse<String> push(UUID id, int chunk, int retries) {
    return tasks.post(
        PATH,
        Simulations.chunkTask(id, chunk, 0),
        token,
        Map.of(
            TaskDelivery.TASK_NAME, Simulations.chunkTaskName(id, chunk),
            TaskDelivery.RETRY_COUNT, Integer.toString(retries)));
  }

  List<DeadLetter> lettersOf(UUID id) {
    return deadLetters.list(Scope.owner(Simulations.OWNER), id, null, 100, null).items();
  }

  /** Stores the simulation, creates its tasks and waits until it ended and the queue is empty. */
  void runThroughCloudTasks(UUID id) {
    dispatcher.drain();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> SimulationStatus.valueOf(rows.status(id)).terminal());
    await()
        .atMost(Duration.ofSeconds(20))
        .during(Duration.ofMillis(300))
        .until(
            () -> {
              EmulatorStats.Queue q = tasks.interactiveStats();
              return q.tasks() == 0 && q.inFlight() == 0 && deliveries.inFlight() == 0;
            });
  }

  byte[] chunkResult(SumKind.Params params, long from, long to) {
    return kinds.write(kind.runChunk(params, new UnitRange(from, to), ChunkContext.NONE));
  }

  @Test
  void theLastAttemptRecordsADeadLetterAndFailFastFailsTheSimulation() {
    UUID id = simulations.create(SumKind.Params.of(30, 10).failingAt(13));

    assertThat(push(id, 1, 0).statusCode()).isEqualTo(500);
    assertThat(push(id, 1, 1).statusCode()).isEqualTo(500);
    assertThat(lettersOf(id)).as("attempts left: retried, no dead letter").isEmpty();
    HttpResponse<String> last = push(id, 1, MAX_ATTEMPTS - 1);

    assertThat(last.statusCode()).as("2xx, or Cloud Tasks drops it unrecorded").isEqualTo(200);
    assertThat(last.body()).contains("\"outcome\":\"dead-lettered\"", "unit 13 fails");
    assertThat(rows.chunk(id, 1).status()).isEqualTo("FAILED");
    assertThat(rows.chunk(id, 1).error()).contains("unit 13 fails");
    assertThat(rows.status(id)).isEqualTo("FAILED");
    assertThat(store.find(Simulations.OWNER, id).orElseThrow().error())
        .contains("chunk 1 failed", "unit 13 fails");
    assertThat(List.of(rows.chunk(id, 0).status(), rows.chunk(id, 2).status()))
        .as("failFast cancels the chunks that had not run")
        .containsOnly("CANCELLED");

    DeadLetter letter = lettersOf(id).getFirst();
    assertThat(lettersOf(id)).hasSize(1);
    assertThat(letter.chunkIndex()).isEqualTo(1);
    assertThat(letter.generation()).isZero();
    assertThat(letter.taskName()).isEqualTo(Simulations.chunkTaskName(id, 1));
    assertThat(letter.payload().simulationId()).isEqualTo(id);
    assertThat(letter.attempts()).isEqualTo(MAX_ATTEMPTS);
    assertThat(letter.permanent()).isFalse();
    assertThat(letter.status()).isEqualTo(DeadLetterStatus.OPEN);
    assertThat(letter.error()).contains("unit 13 fails");
    assertThat(letter.firstFailureAt()).isBeforeOrEqualTo(letter.lastFailureAt());

    assertThat(rows.eventTypes(id))
        .containsExactly(
            "simulation.queued",
            "simulation.started",
            "chunk.failed",
            "chunk.failed",
            "chunk.failed",
            "simulation.failed");
    List<String> data = rows.eventData(id);
    assertThat(data.get(3)).contains("\"willRetry\": true");
    assertThat(data.get(4)).contains("\"willRetry\": false", letter.id().toString());

    assertThat(push(id, 0, 0).body())
        .as("a cancelled chunk's task still arriving")
        .contains("nothing-to-do");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> PubSubEmulator.shared().pull(project, "operators"),
            pulled -> pulled.contains(letter.id().toString()));
  }

  @Test
  void failFastDeletesTheQueuedTasksOfTheChunksItCancelled() {
    tasks.pause();
    try {
      UUID id = simulations.create(SumKind.Params.of(30, 10).failingAt(13));
      dispatcher.drain();
      List<String> all =
          List.of(0, 1, 2).stream().map(c -> Simulations.chunkTaskName(id, c)).toList();
      assertThat(tasks.interactiveTaskIds()).containsAll(all);

      // Chunk 1's last attempt, as the queue would push it: failFast cancels chunks 0 and 2.
      assertThat(push(id, 1, MAX_ATTEMPTS - 1).body()).contains("dead-lettered");
      assertThat(List.of(rows.chunk(id, 0).status(), rows.chunk(id, 2).status()))
          .containsOnly("CANCELLED");

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(tasks.interactiveTaskIds())
                      .as("the cancelled chunks' tasks are deleted; chunk 1's stays")
                      .contains(all.get(1))
                      .doesNotContain(all.get(0), all.get(2)));
    } finally {
      tasks.resume();
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> tasks.interactiveStats().tasks() == 0 && deliveries.inFlight() == 0);
  }

  @Test
  void aPermanentFailureIsADeadLetterOnTheFirstAttempt() {
    UUID id = simulations.create(SumKind.Params.of(10, 10).failingAt(4).permanently());

    HttpResponse<String> r = push(id, 0, 0);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("dead-lettered");
    DeadLetter letter = lettersOf(id).getFirst();
    assertThat(letter.permanent()).isTrue();
    assertThat(letter.attempts()).isEqualTo(1);
    assertThat(rows.status(id)).isEqualTo("FAILED");
  }

  @Test
  void aChunkThatCanNeverRunIsAPermanentDeadLetter() {
    UUID unknownKind = simulations.create("no-such-kind", "{}", 10, 10);
    HttpResponse<String> r = push(unknownKind, 0, 0);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("dead-lettered", "no simulation kind named no-such-kind");
    assertThat(lettersOf(unknownKind)).singleElement().matches(DeadLetter::permanent);

    UUID badParams = simulations.create(SumKind.NAME, "{\"units\":\"many\"}", 10, 10);
    r = push(badParams, 0, 0);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("dead-lettered", "parameters do not fit");
    assertThat(rows.chunk(badParams, 0).status()).isEqualTo("FAILED");
  }

  @Test
  void withToleranceTheOtherChunksFinishAndTheSimulationIsPartial() {
    SumKind.Params params = SumKind.Params.of(40, 10).failingAt(15);
    UUID id = simulations.create(params, 1);

    runThroughCloudTasks(id);

    assertThat(rows.status(id)).isEqualTo("PARTIAL");
    assertThat(deliveries.ofTask(Simulations.chunkTaskName(id, 1)))
        .extracting(DeliveryLog.Delivery::status)
        .as("two retried failures, then the dead letter's 200")
        .containsExactly(500, 500, 200);
    assertThat(lettersOf(id)).singleElement().matches(l -> l.attempts() == MAX_ATTEMPTS);
    byte[] expected =
        kinds.write(
            kind.reducePartial(
                    params,
                    List.of(
                        kinds.read(chunkResult(params, 0, 10), SumKind.Partial.class),
                        kinds.read(chunkResult(params, 20, 30), SumKind.Partial.class),
                        kinds.read(chunkResult(params, 30, 40), SumKind.Partial.class)))
                .orElseThrow());
    assertThat(store.outcome(Simulations.OWNER, id).orElseThrow().result()).isEqualTo(expected);
    assertThat(rows.eventTypes(id)).last().isEqualTo("simulation.partial");
    assertThat(rows.chunksDone(id)).isEqualTo(4);
  }

  @Test
  void replayingTheDeadLetterOnceTheCauseIsGoneCompletesTheSimulation() {
    String cause = "cause-" + UUID.randomUUID();
    Switches.on(cause);
    SumKind.Params params = SumKind.Params.of(40, 10).failingAtWhile(15, cause);
    UUID id = simulations.create(params);
    runThroughCloudTasks(id);
    assertThat(rows.status(id)).isEqualTo("FAILED");
    DeadLetter letter = lettersOf(id).getFirst();

    Switches.off(cause);
    var replayed =
        (DeadLetterStore.Resolved) deadLetters.replay(Scope.owner(Simulations.OWNER), letter.id());
    assertThat(replayed.letter().status()).isEqualTo(DeadLetterStatus.REPLAYED);
    assertThat(rows.status(id)).isEqualTo("RUNNING");
    runThroughCloudTasks(id);

    assertThat(rows.status(id)).isEqualTo("SUCCEEDED");
    assertThat(store.outcome(Simulations.OWNER, id).orElseThrow().result())
        .as("the result of a run that never failed")
        .isEqualTo(kinds.write(InMemoryRun.run(kind, params, 10)));
    assertThat(rows.generation(id, 1)).as("the replay ran as a new task").isEqualTo(1);
    assertThat(rows.chunksDone(id)).isEqualTo(4);
    assertThat(rows.eventTypes(id))
        .containsSubsequence(
            "simulation.failed", "chunk.replayed", "simulation.resumed", "simulation.succeeded")
        .last()
        .isEqualTo("simulation.succeeded");
    assertThat(deadLetters.replay(Scope.owner(Simulations.OWNER), letter.id()))
        .isEqualTo(
            new DeadLetterStore.Conflict(
                "dead letter " + letter.id() + " was already REPLAYED", true));
  }

  @Test
  void aReduceThatFailsOnTheLastAttemptFailsTheSimulation() {
    UUID id = simulations.create(SumKind.Params.of(10, 10));
    var claimed = (ChunkStore.Claimed) chunks.claim(id, 0, 0, Duration.ofMinutes(5));
    // A result that does not cover the units: reducing it throws, every time.
    chunks.commitSuccess(
        id, 0, claimed.attempt(), "{\"from\":5,\"to\":10,\"sum\":0,\"hash\":0}".getBytes());
    String body = "{\"simulationId\":\"" + id + "\",\"generation\":0}";

    HttpResponse<String> retried =
        tasks.post("/tasks/v1/finalize", body, token, Map.of(TaskDelivery.RETRY_COUNT, "0"));
    assertThat(retried.statusCode()).isEqualTo(500);
    assertThat(rows.status(id)).isEqualTo("RUNNING");

    HttpResponse<String> last =
        tasks.post(
            "/tasks/v1/finalize",
            body,
            token,
            Map.of(TaskDelivery.RETRY_COUNT, Integer.toString(MAX_ATTEMPTS - 1)));
    assertThat(last.statusCode()).isEqualTo(200);
    assertThat(rows.status(id)).isEqualTo("FAILED");
    assertThat(store.find(Simulations.OWNER, id).orElseThrow().error())
        .contains("last attempt", "chunk starting at 5");
  }
}
