package dev.simrun.worker.finalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.InMemoryRun;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.kinds.UnitRange;
import dev.simrun.shared.simulations.ChunkStore;
import dev.simrun.shared.simulations.SimulationStore;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code POST /tasks/v1/finalize} driven by hand over HTTP with a real token from the emulator. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FinalizeEndpointTest implements TestPropertyProvider {
  static final String PATH = "/tasks/v1/finalize";

  WorkerHarness tasks;
  String token;

  @Inject Simulations simulations;
  @Inject SimulationStore store;
  @Inject ChunkStore chunks;
  @Inject SimulationKinds kinds;
  @Inject SumKind kind;
  @Inject Rows rows;

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

  HttpResponse<String> push(UUID simulationId) {
    return tasks.post(PATH, Simulations.finalizeTask(simulationId), token);
  }

  /** Runs and commits chunk {@code index} the way a worker would, without HTTP. */
  void commit(UUID id, SumKind.Params params, int index) {
    var claimed = (ChunkStore.Claimed) chunks.claim(id, index, 0, Duration.ofMinutes(5));
    byte[] result =
        kinds.write(
            kind.runChunk(
                params, new UnitRange(claimed.unitFrom(), claimed.unitTo()), ChunkContext.NONE));
    chunks.commitSuccess(id, index, claimed.attempt(), result);
  }

  @Test
  void anUnknownSimulationHasNothingToFinalize() {
    HttpResponse<String> r = push(UUID.randomUUID());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("nothing-to-do", "no such simulation");
  }

  @Test
  void beforeEveryChunkSucceededTheAnswerIs409AndNothingChanges() {
    SumKind.Params params = SumKind.Params.of(30, 10);
    UUID id = simulations.create(params);
    commit(id, params, 0);
    List<String> before = rows.snapshot(id);

    HttpResponse<String> r = push(id);

    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.body())
        .contains("https://simrun.dev/problems/chunks-outstanding", "2 of 3 chunks");
    assertThat(rows.snapshot(id)).isEqualTo(before);
  }

  @Test
  void concurrentDeliveriesFinalizeOnceAndTheLosersAnswer200() throws Exception {
    SumKind.Params params = SumKind.Params.of(40, 10);
    UUID id = simulations.create(params);
    for (int i = 0; i < 4; i++) {
      commit(id, params, i);
    }
    int deliveries = 8;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < deliveries; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return push(id);
                }));
      }
      go.countDown();
      List<String> bodies = new ArrayList<>();
      for (var a : answers) {
        HttpResponse<String> r = a.get();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        bodies.add(r.body());
      }
      assertThat(bodies).filteredOn(b -> b.contains("\"finalized\"")).hasSize(1);
      assertThat(bodies).filteredOn(b -> b.contains("nothing-to-do")).hasSize(deliveries - 1);
    }
    rows.assertSuccessfulRunLogged(id, 4);
    assertThat(store.outcome(Simulations.OWNER, id).orElseThrow().result())
        .isEqualTo(kinds.write(InMemoryRun.run(kind, params, 10)));

    List<String> after = rows.snapshot(id);
    HttpResponse<String> late = push(id);
    assertThat(late.statusCode()).isEqualTo(200);
    assertThat(late.body()).contains("simulation is SUCCEEDED");
    assertThat(rows.snapshot(id)).isEqualTo(after);
  }

  @Test
  void aSimulationThatCanNeverBeReducedFailsInsteadOfWaitingForever() {
    UUID id = simulations.create("no-such-kind", "{}", 10, 10);
    var claimed = (ChunkStore.Claimed) chunks.claim(id, 0, 0, Duration.ofMinutes(5));
    chunks.commitSuccess(id, 0, claimed.attempt(), "{}".getBytes());

    HttpResponse<String> r = push(id);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(rows.status(id)).isEqualTo("FAILED");
    assertThat(rows.eventData(id).getLast()).contains("no simulation kind named no-such-kind");
  }
}
