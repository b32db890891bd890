package dev.simrun.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.InMemoryRun;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.kinds.UnitRange;
import dev.simrun.shared.dispatch.OutboxDispatcher;
import dev.simrun.shared.dispatch.OutboxRow;
import dev.simrun.shared.dispatch.OutboxStore;
import dev.simrun.shared.recovery.Reconciler;
import dev.simrun.shared.simulations.ChunkStore;
import dev.simrun.shared.simulations.SimulationStatus;
import dev.simrun.shared.simulations.SimulationStore;
import dev.simrun.testing.TestClock;
import dev.simrun.worker.testing.Rows;
import dev.simrun.worker.testing.Simulations;
import dev.simrun.worker.testing.SumKind;
import dev.simrun.worker.testing.WorkerHarness;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tasks that were never created (the process died between commit and CreateTask, and its outbox
 * rows were lost with it) are found by the reconciler, dispatched under a new generation, and the
 * simulation completes with the result of a direct run. Chunks whose task waits are left alone.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconcilerTest implements TestPropertyProvider {
  WorkerHarness tasks;

  @Inject Simulations simulations;
  @Inject SimulationStore store;
  @Inject OutboxStore outbox;
  @Inject OutboxDispatcher dispatcher;
  @Inject Reconciler reconciler;
  @Inject SimulationKinds kinds;
  @Inject SumKind kind;
  @Inject Rows rows;
  @Inject ChunkStore chunks;
  @Inject TestClock clock;

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start();
    return tasks.properties();
  }

  @AfterAll
  void stop() {
    tasks.close();
  }

  @Test
  void chunksWithoutATaskAreDispatchedAgainAndTheSimulationCompletes() {
    SumKind.Params params = SumKind.Params.of(60, 10);
    UUID id = simulations.create(params);
    // Lose every task: the outbox rows go without any CreateTask.
    List<OutboxRow> rowsOfIt =
        outbox.claimDue(1_000, Duration.ofMinutes(1), 0).stream()
            .filter(r -> r.simulationId().equals(id))
            .toList();
    assertThat(rowsOfIt).hasSize(6);
    outbox.delete(rowsOfIt.stream().map(OutboxRow::id).toList());

    Reconciler.Pass pass = reconciler.run(Duration.ZERO, 100);
    assertThat(pass.redispatched()).isEqualTo(6);
    assertThat(rows.chunks(id)).allMatch(c -> c.status().equals("PENDING"));
    dispatcher.drain();
    await().atMost(Duration.ofSeconds(20)).until(() -> rows.status(id).equals("SUCCEEDED"));

    assertThat(store.outcome(Simulations.OWNER, id).orElseThrow().result())
        .isEqualTo(kinds.write(InMemoryRun.run(kind, params, 10)));
    assertThat(rows.chunks(id)).allMatch(c -> c.attempt() == 1);
    assertThat(reconciler.run(Duration.ZERO, 100).redispatched())
        .as("a finished simulation has nothing to recover")
        .isZero();
  }

  @Test
  void chunksWhoseTasksStillWaitInTheQueueAreLeftAlone() {
    tasks.pause();
    try {
      UUID id = simulations.create(SumKind.Params.of(30, 10));
      dispatcher.drain();
      Reconciler.Pass pass = reconciler.run(Duration.ZERO, 100);
      assertThat(pass.checked()).as("pending and quiet: every chunk is looked at").isEqualTo(3);
      assertThat(pass.redispatched()).as("their tasks exist").isZero();
      assertThat(rows.chunks(id)).allMatch(c -> c.status().equals("PENDING"));
      tasks.resume();
      await().atMost(Duration.ofSeconds(20)).until(() -> rows.status(id).equals("SUCCEEDED"));
    } finally {
      tasks.resume();
    }
  }

  @Test
  void aCancellingSimulationWhoseRunningChunksWorkerDiedIsCancelledOnceTheLeaseEnds() {
    UUID id = simulations.create(SumKind.Params.of(20, 10));
    // Chunk 0 is claimed by a worker that then dies: nobody will report it stopped.
    chunks.claim(id, 0, 0, Duration.ofMinutes(5));
    var cancel = (SimulationStore.Cancelling) store.cancel(Simulations.OWNER, id);
    assertThat(cancel.status()).isEqualTo(SimulationStatus.CANCELLING);

    assertThat(reconciler.run(Duration.ofMinutes(10), 100).cancelsCompleted())
        .as("the lease is still live: the worker may yet stop it")
        .isZero();
    assertThat(rows.status(id)).isEqualTo("CANCELLING");

    clock.advance(Duration.ofMinutes(6));
    Reconciler.Pass pass = reconciler.run(Duration.ofMinutes(10), 100);

    assertThat(pass.cancelsCompleted()).isEqualTo(1);
    assertThat(rows.status(id)).isEqualTo("CANCELLED");
    assertThat(rows.chunks(id)).allMatch(c -> c.status().equals("CANCELLED"));
    assertThat(rows.eventTypes(id)).last().isEqualTo("simulation.cancelled");
    assertThat(reconciler.run(Duration.ofMinutes(10), 100).cancelsCompleted()).isZero();
  }

  @Test
  void aSimulationWhoseFinalizeTaskWasLostIsFinalizedUnderANewTaskName() {
    SumKind.Params params = SumKind.Params.of(20, 10);
    UUID id = simulations.create(params);
    outbox.delete(
        outbox.claimDue(1_000, Duration.ofMinutes(1), 0).stream()
            .filter(r -> r.simulationId().equals(id))
            .map(OutboxRow::id)
            .toList());
    for (int i = 0; i < 2; i++) {
      var claimed = (ChunkStore.Claimed) chunks.claim(id, i, 0, Duration.ofMinutes(5));
      byte[] result =
          kinds.write(
              kind.runChunk(params, new UnitRange(i * 10L, i * 10L + 10), ChunkContext.NONE));
      chunks.commitSuccess(id, i, claimed.attempt(), result);
    }
    // The finalize task was dropped (its attempts ran out, or someone deleted it in Console).
    outbox.delete(
        outbox.claimDue(1_000, Duration.ofMinutes(1), 0).stream()
            .filter(r -> r.simulationId().equals(id))
            .map(OutboxRow::id)
            .toList());
    assertThat(reconciler.run(Duration.ofMinutes(10), 100).refinalized())
        .as("chunks ended just now")
        .isZero();

    clock.advance(Duration.ofMinutes(11));
    assertThat(reconciler.run(Duration.ofMinutes(10), 100).refinalized()).isEqualTo(1);
    dispatcher.drain();
    await().atMost(Duration.ofSeconds(20)).until(() -> rows.status(id).equals("SUCCEEDED"));

    assertThat(store.outcome(Simulations.OWNER, id).orElseThrow().result())
        .isEqualTo(kinds.write(InMemoryRun.run(kind, params, 10)));
    assertThat(reconciler.run(Duration.ofMinutes(10), 100).refinalized()).isZero();
  }
}
