package dev.simrun.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.kinds.ChunkLoad;
import dev.simrun.shared.simulations.Priority;
import dev.simrun.worker.chunks.ChunkSlots;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A worker with 2 CPU slots and room for 4 more pushes: a push that finds every slot busy waits,
 * claims nothing while it waits, and runs the moment a slot frees; interactive chunks take freed
 * slots before batch chunks that waited longer; a push that finds the room full is refused.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdmissionTest implements TestPropertyProvider {
  static final String PATH = "/tasks/v1/chunks";

  WorkerHarness tasks;
  String token;
  final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

  @Inject Simulations simulations;
  @Inject Rows rows;
  @Inject ChunkSlots slots;

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start();
    Map<String, String> p = new HashMap<>(tasks.properties());
    p.put("simrun.worker.max-concurrent-chunks", "2");
    p.put("simrun.worker.waiting-per-slot", "2");
    // Long enough that no wait in these tests runs out on a loaded machine.
    p.put("simrun.worker.admission-wait", "5m");
    p.put("simrun.tasks.dispatch-deadline", "30m");
    return p;
  }

  @BeforeAll
  void token() {
    token = tasks.token();
  }

  @AfterAll
  void stop() {
    pool.shutdownNow();
    tasks.close();
  }

  CompletableFuture<HttpResponse<String>> pushAsync(UUID id, int chunk) {
    return CompletableFuture.supplyAsync(
        () -> tasks.post(PATH, Simulations.chunkTask(id, chunk, 0), token, Map.of()), pool);
  }

  /** Two chunks of a gated simulation holding both slots. */
  List<CompletableFuture<HttpResponse<String>>> holdBothSlots(String gate) {
    UUID holder = simulations.create(SumKind.Params.of(2, 1).gated(gate));
    List<CompletableFuture<HttpResponse<String>>> held =
        List.of(pushAsync(holder, 0), pushAsync(holder, 1));
    await().atMost(Duration.ofSeconds(30)).until(() -> Gates.waiting(gate) == 2);
    return held;
  }

  static void assertAllOk(List<CompletableFuture<HttpResponse<String>>> pushes) throws Exception {
    for (var f : pushes) {
      assertThat(f.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aPushWaitsForASlotClaimingNothingAndRunsWhenOneFrees() throws Exception {
    String gate = "hold-" + UUID.randomUUID();
    var held = holdBothSlots(gate);
    UUID id = simulations.create(SumKind.Params.of(1, 1));
    List<String> before = rows.snapshot(id);

    var waiting = pushAsync(id, 0);
    await().atMost(Duration.ofSeconds(30)).until(() -> slots.waiting(ChunkLoad.CPU) == 1);
    assertThat(waiting).isNotDone();
    assertThat(rows.snapshot(id)).as("nothing claimed while waiting").isEqualTo(before);

    Gates.open(gate);
    assertAllOk(held);
    HttpResponse<String> ran = waiting.get(60, TimeUnit.SECONDS);
    assertThat(ran.statusCode()).isEqualTo(200);
    assertThat(ran.body()).contains("\"committed\"");
    assertThat(rows.chunk(id, 0).attempt()).as("one attempt, never refused").isEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> rows.status(id).equals("SUCCEEDED"));
  }

  @Test
  void interactiveChunksTakeFreedSlotsBeforeBatchChunksThatWaitedLonger() throws Exception {
    String hold = "hold-" + UUID.randomUUID();
    String batchGate = "batch-" + UUID.randomUUID();
    String peopleGate = "people-" + UUID.randomUUID();
    var held = holdBothSlots(hold);
    UUID batch = simulations.create(SumKind.Params.of(2, 1).gated(batchGate), Priority.BATCH);
    UUID people =
        simulations.create(SumKind.Params.of(2, 1).gated(peopleGate), Priority.INTERACTIVE);

    List<CompletableFuture<HttpResponse<String>>> pushes = new ArrayList<>();
    pushes.add(pushAsync(batch, 0));
    pushes.add(pushAsync(batch, 1));
    await().atMost(Duration.ofSeconds(30)).until(() -> slots.waiting(ChunkLoad.CPU) == 2);
    pushes.add(pushAsync(people, 0));
    pushes.add(pushAsync(people, 1));
    await().atMost(Duration.ofSeconds(30)).until(() -> slots.waiting(ChunkLoad.CPU) == 4);

    Gates.open(hold);
    assertAllOk(held);
    // Both freed slots went to the people's chunks, which now hold them at their gate.
    await().atMost(Duration.ofSeconds(30)).until(() -> Gates.waiting(peopleGate) == 2);
    assertThat(rows.chunks(batch)).extracting(Rows.Chunk::attempt).containsOnly(0);
    assertThat(slots.waiting(ChunkLoad.CPU)).isEqualTo(2);

    Gates.open(peopleGate);
    await().atMost(Duration.ofSeconds(30)).until(() -> Gates.waiting(batchGate) == 2);
    Gates.open(batchGate);
    assertAllOk(pushes);
    await().atMost(Duration.ofSeconds(30)).until(() -> rows.status(batch).equals("SUCCEEDED"));
    assertThat(rows.status(people)).isEqualTo("SUCCEEDED");
  }

  @Test
  void aPushThatFindsTheWaitingRoomFullIsRefusedAt429ChangingNothing() throws Exception {
    String hold = "hold-" + UUID.randomUUID();
    String gate = "room-" + UUID.randomUUID();
    var held = holdBothSlots(hold);
    UUID waiting = simulations.create(SumKind.Params.of(4, 1).gated(gate));
    List<CompletableFuture<HttpResponse<String>>> pushes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      pushes.add(pushAsync(waiting, i));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> slots.waiting(ChunkLoad.CPU) == 4);

    UUID refusedSim = simulations.create(SumKind.Params.of(1, 1));
    List<String> before = rows.snapshot(refusedSim);
    HttpResponse<String> refused = pushAsync(refusedSim, 0).get(60, TimeUnit.SECONDS);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(refused.body()).contains("https://simrun.dev/problems/worker-busy");
    assertThat(rows.snapshot(refusedSim)).isEqualTo(before);

    Gates.open(hold);
    Gates.open(gate);
    assertAllOk(held);
    assertAllOk(pushes);
    await().atMost(Duration.ofSeconds(30)).until(() -> rows.status(waiting).equals("SUCCEEDED"));
  }
}
