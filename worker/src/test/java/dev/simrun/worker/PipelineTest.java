package dev.simrun.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.emulator.tasks.EmulatorStats;
import dev.simrun.emulator.tasks.FaultPlan;
import dev.simrun.kinds.InMemoryRun;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.shared.dispatch.OutboxDispatcher;
import dev.simrun.shared.dispatch.OutboxRow;
import dev.simrun.shared.dispatch.OutboxStore;
import dev.simrun.shared.simulations.SimulationStatus;
import dev.simrun.shared.simulations.SimulationStore;
import dev.simrun.worker.testing.DeliveryLog;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pipeline from the outbox on: the dispatcher creates the tasks in the Cloud Tasks emulator,
 * which pushes them to this worker over real HTTP with real OIDC tokens; the last commit creates
 * the finalize task, which the emulator pushes too. With and without injected delivery faults the
 * result equals a direct in-memory run, each chunk is committed once and finalize succeeds once.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineTest implements TestPropertyProvider {
  static final int CHUNKS = 50;
  static final int UNITS_PER_CHUNK = 40;

  WorkerHarness tasks;

  @Inject Simulations simulations;
  @Inject SimulationStore store;
  @Inject OutboxDispatcher dispatcher;
  @Inject OutboxStore outbox;
  @Inject SimulationKinds kinds;
  @Inject SumKind kind;
  @Inject Rows rows;
  @Inject DeliveryLog deliveries;

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start();
    return tasks.properties();
  }

  @AfterAll
  void stop() {
    tasks.close();
  }

  @AfterEach
  void noFaults() {
    tasks.emulator().clearFaults(WorkerHarness.queueName(tasks.interactiveQueue()));
    tasks.emulator().clearFaults(WorkerHarness.queueName(tasks.finalizeQueue()));
  }

  byte[] directRun(SumKind.Params params) {
    return kinds.write(InMemoryRun.run(kind, params, params.unitsPerChunk()));
  }

  /** Stores the simulation, dispatches its outbox and waits until every push was answered. */
  UUID runThroughCloudTasks(SumKind.Params params) {
    UUID id = simulations.create(params);
    assertThat(dispatcher.drain()).isGreaterThanOrEqualTo(CHUNKS);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> rows.status(id), s -> !s.equals("QUEUED") && !s.equals("RUNNING"));
    awaitQuiet();
    return id;
  }

  /** No task left in the queue, no push in flight, for a while (late duplicates included). */
  void awaitQuiet() {
    await()
        .atMost(Duration.ofSeconds(20))
        .during(Duration.ofMillis(300))
        .until(
            () -> {
              EmulatorStats.Queue q = tasks.interactiveStats();
              return q.tasks() == 0 && q.inFlight() == 0 && deliveries.inFlight() == 0;
            });
  }

  void assertCommittedOnceAndFinalizedOnce(UUID id, SumKind.Params params) {
    SimulationStore.Outcome outcome = store.outcome(Simulations.OWNER, id).orElseThrow();
    assertThat(outcome.status()).isEqualTo(SimulationStatus.SUCCEEDED);
    assertThat(outcome.result()).as("bit-identical to a direct run").isEqualTo(directRun(params));

    List<Rows.Chunk> chunks = rows.chunks(id);
    assertThat(chunks).hasSize(CHUNKS).allMatch(c -> c.status().equals("SUCCEEDED"));
    assertThat(chunks)
        .as("every chunk was claimed once: duplicates found it held or finished")
        .allMatch(c -> c.attempt() == 1);
    assertThat(rows.chunksDone(id)).as("no chunk counted twice").isEqualTo(CHUNKS);
    for (int i = 0; i < CHUNKS; i++) {
      assertThat(deliveries.ofTask(Simulations.chunkTaskName(id, i)))
          .as("answers to chunk %d", i)
          .filteredOn(d -> "committed".equals(d.outcome()))
          .hasSize(1);
    }
    assertThat(deliveries.ofTask(Simulations.finalizeTaskName(id)))
        .filteredOn(d -> "finalized".equals(d.outcome()))
        .hasSize(1);
    rows.assertSuccessfulRunLogged(id, CHUNKS);
    assertThat(rows.finalizeRowsInOutbox(id)).isZero();
  }

  @Test
  void aFiftyChunkSimulationSucceedsWithTheResultOfADirectRun() {
    SumKind.Params params = SumKind.Params.of((long) CHUNKS * UNITS_PER_CHUNK, UNITS_PER_CHUNK);
    UUID id = runThroughCloudTasks(params);
    assertCommittedOnceAndFinalizedOnce(id, params);
    assertThat(deliveries.ofTask(Simulations.chunkTaskName(id, 0))).hasSize(1);
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of("every push delivered twice", new FaultPlan(1.0, 0, 0)),
        Arguments.of("every push delivered twice at once", new FaultPlan(0, 1.0, 0)),
        Arguments.of("30% of 2xx answers lost", new FaultPlan(0, 0, 0.3)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void faultyDeliveryChangesNothing(String name, FaultPlan plan) {
    String queue = WorkerHarness.queueName(tasks.interactiveQueue());
    String finalizeQueue = WorkerHarness.queueName(tasks.finalizeQueue());
    EmulatorStats.Queue before = tasks.interactiveStats();
    EmulatorStats.Queue finalizeBefore = tasks.finalizeStats();
    tasks.emulator().faults(queue, plan);
    tasks.emulator().faults(finalizeQueue, plan);
    // Slow units make chunks overlap, so that duplicates race for the same chunk.
    SumKind.Params params =
        SumKind.Params.of((long) CHUNKS * UNITS_PER_CHUNK, UNITS_PER_CHUNK).slow(1);

    UUID id = runThroughCloudTasks(params);

    assertCommittedOnceAndFinalizedOnce(id, params);
    EmulatorStats.Queue after = tasks.interactiveStats();
    EmulatorStats.Queue finalizeAfter = tasks.finalizeStats();
    if (plan.dropResponse() > 0) {
      assertThat(after.responsesDropped() - before.responsesDropped()).isPositive();
    } else {
      assertThat(after.duplicatesInjected() - before.duplicatesInjected())
          .isGreaterThanOrEqualTo(CHUNKS);
      assertThat(finalizeAfter.duplicatesInjected() - finalizeBefore.duplicatesInjected())
          .as("the finalize push, duplicated too")
          .isGreaterThanOrEqualTo(1);
      for (int i = 0; i < CHUNKS; i++) {
        assertThat(deliveries.ofTask(Simulations.chunkTaskName(id, i)).size())
            .as("pushes of chunk %d", i)
            .isGreaterThanOrEqualTo(2);
      }
    }
  }

  @Test
  void whenTheLastChunksCommitTogetherFinalizeRunsOnce() throws Exception {
    int chunks = 24;
    String gate = "together-" + UUID.randomUUID();
    SumKind.Params params = SumKind.Params.of(chunks * 10L, 10).gated(gate);
    UUID id = simulations.create(params);
    // This test pushes the chunks itself; the tasks the outbox holds are not needed.
    List<OutboxRow> pending = outbox.claimDue(1_000, Duration.ofMinutes(1), 0);
    outbox.delete(pending.stream().map(OutboxRow::id).toList());

    String token = tasks.token();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < chunks; i++) {
        String body = Simulations.chunkTask(id, i, 0);
        answers.add(
            CompletableFuture.supplyAsync(() -> tasks.post("/tasks/v1/chunks", body, token), pool));
      }
      // Every chunk has run and waits at the gate: open it, and all commit at once.
      await().atMost(Duration.ofSeconds(20)).until(() -> Gates.waiting(gate) == chunks);
      Gates.open(gate);
      List<String> bodies = new ArrayList<>();
      for (var answer : answers) {
        HttpResponse<String> r = answer.get();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        bodies.add(r.body());
      }
      assertThat(bodies).allMatch(b -> b.contains("\"outcome\":\"committed\""));
      assertThat(bodies)
          .as("exactly one commit completed the simulation")
          .filteredOn(b -> b.contains("finalize enqueued"))
          .hasSize(1);
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> rows.status(id).equals("SUCCEEDED"));
    awaitQuiet();
    assertThat(deliveries.ofTask(Simulations.finalizeTaskName(id)))
        .extracting(DeliveryLog.Delivery::outcome)
        .containsExactly("finalized");
    rows.assertSuccessfulRunLogged(id, chunks);
    assertThat(store.outcome(Simulations.OWNER, id).orElseThrow().result())
        .isEqualTo(directRun(params));
  }
}
