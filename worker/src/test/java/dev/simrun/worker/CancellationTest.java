package dev.simrun.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.emulator.tasks.EmulatorStats;
import dev.simrun.shared.dispatch.OutboxDispatcher;
import dev.simrun.shared.simulations.SimulationStatus;
import dev.simrun.shared.simulations.SimulationStore;
import dev.simrun.worker.testing.DeliveryLog;
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
 * Cancel while chunks run, through the emulator's real pushes: the running chunks stop long before
 * their work is done, the simulation is CANCELLED, and nothing runs afterwards.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancellationTest implements TestPropertyProvider {
  static final int CHUNKS = 12;

  WorkerHarness tasks;

  @Inject Simulations simulations;
  @Inject SimulationStore store;
  @Inject OutboxDispatcher dispatcher;
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

  record Seen(int index, String status, int attempt) {}

  List<Seen> seen(UUID id) {
    return rows.chunks(id).stream().map(c -> new Seen(c.index(), c.status(), c.attempt())).toList();
  }

  @Test
  void runningChunksStopMidwayAndTheSimulationIsCancelled() {
    // 12 chunks of 400 units at 100 ms each: 40 s a chunk. The cancel comes at most 20 s after the
    // first one started, so a chunk that ended did not run to its end: the cancel stopped it.
    UUID id = simulations.create(SumKind.Params.of(CHUNKS * 400L, 400).slow(100));
    dispatcher.drain();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> seen(id).stream().filter(c -> c.status().equals("RUNNING")).count() >= 4);

    var cancel = (SimulationStore.Cancelling) store.cancel(Simulations.OWNER, id);
    assertThat(cancel.status()).isEqualTo(SimulationStatus.CANCELLING);
    await().atMost(Duration.ofSeconds(20)).until(() -> rows.status(id).equals("CANCELLED"));

    List<Seen> atCancel = seen(id);
    assertThat(atCancel)
        .extracting(Seen::status)
        .as("every chunk stopped, running or pending, none ran to its end")
        .containsOnly("CANCELLED");
    // Whatever was still on its way arrives and changes nothing.
    await()
        .atMost(Duration.ofSeconds(20))
        .during(Duration.ofMillis(500))
        .until(
            () -> {
              EmulatorStats.Queue q = tasks.interactiveStats();
              return q.tasks() == 0 && q.inFlight() == 0 && deliveries.inFlight() == 0;
            });
    assertThat(seen(id)).isEqualTo(atCancel);
    assertThat(rows.status(id)).isEqualTo("CANCELLED");
    assertThat(rows.eventTypes(id)).filteredOn(t -> t.equals("simulation.cancelled")).hasSize(1);
    assertThat(rows.eventTypes(id)).last().isEqualTo("simulation.cancelled");
    assertThat(rows.eventTypes(id)).doesNotContain("simulation.succeeded");
  }

  @Test
  void aFinishedSimulationCannotBeCancelled() {
    UUID id = simulations.create(SumKind.Params.of(4, 2));
    dispatcher.drain();
    await().atMost(Duration.ofSeconds(10)).until(() -> rows.status(id).equals("SUCCEEDED"));
    assertThat(store.cancel(Simulations.OWNER, id))
        .isEqualTo(new SimulationStore.AlreadyFinished(SimulationStatus.SUCCEEDED));
    assertThat(store.cancel("someone-else", id))
        .isInstanceOf(SimulationStore.NoSuchSimulation.class);
  }
}
