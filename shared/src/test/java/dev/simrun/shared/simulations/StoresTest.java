package dev.simrun.shared.simulations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.shared.dispatch.OutboxRow;
import dev.simrun.shared.dispatch.OutboxStore;
import dev.simrun.shared.testing.TestDatabase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The stores against a real PostgreSQL: one transaction per submit, fenced claims, one finalize.
 */
@MicronautTest(startApplication = false, transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoresTest implements TestPropertyProvider {
  @Inject SimulationStore simulations;
  @Inject ChunkStore chunks;
  @Inject OutboxStore outbox;

  @Override
  public Map<String, String> getProperties() {
    return TestDatabase.properties();
  }

  static NewSimulation aSimulation(String owner, long units, int perChunk, String key) {
    return new NewSimulation(
        UUID.randomUUID(),
        owner,
        "test-kind",
        "a name",
        Priority.INTERACTIVE,
        "{\"n\":1}",
        units,
        perChunk,
        key,
        0);
  }

  @Test
  void aSubmissionStoresItsChunksAndOneOutboxRowPerChunk() {
    NewSimulation s = aSimulation("ann", 10_000, 1, null);
    SimulationStore.Submission sub = simulations.create(s);
    assertThat(sub.created()).isTrue();
    assertThat(sub.chunkCount()).isEqualTo(10_000);
    SimulationView view = simulations.find("ann", s.id()).orElseThrow();
    assertThat(view.status()).isEqualTo(SimulationStatus.QUEUED);
    assertThat(view.chunks().total()).isEqualTo(10_000);
    assertThat(view.chunks().pending()).isEqualTo(10_000);
    assertThat(simulations.find("bob", s.id())).as("another owner sees nothing").isEmpty();

    Set<Integer> indexes = new HashSet<>();
    List<OutboxRow> rows;
    while (!(rows = outbox.claimDue(2_000, Duration.ofMinutes(1), 0)).isEmpty()) {
      rows.stream()
          .filter(r -> r.simulationId().equals(s.id()))
          .forEach(r -> indexes.add(r.chunkIndex()));
      outbox.delete(rows.stream().map(OutboxRow::id).toList());
    }
    assertThat(indexes).hasSize(10_000);
  }

  @Test
  void aClaimContinuesAfterTheLastIdItWasGiven() {
    NewSimulation s = aSimulation("keyset", 3, 1, null);
    simulations.create(s);
    List<Long> ids = new ArrayList<>();
    for (OutboxRow row : outbox.claimDue(10_000, Duration.ZERO, 0)) {
      if (row.simulationId().equals(s.id())) {
        ids.add(row.id());
      }
    }
    assertThat(ids).hasSize(3).isSorted();
    // Claims of zero length expire at once: the rows are due again, and only those after the
    // given id are handed out.
    List<Long> after =
        outbox.claimDue(10_000, Duration.ofMinutes(1), ids.getFirst()).stream()
            .filter(r -> r.simulationId().equals(s.id()))
            .map(OutboxRow::id)
            .toList();
    assertThat(after).containsExactly(ids.get(1), ids.get(2));
    outbox.delete(ids);
  }

  @Test
  void unitsSplitIntoChunksWithAShortLastOne() {
    NewSimulation s = aSimulation("ann", 10, 4, null);
    assertThat(simulations.create(s).chunkCount()).isEqualTo(3);
    ChunkStore.Claimed last =
        (ChunkStore.Claimed) chunks.claim(s.id(), 2, 0, Duration.ofMinutes(1));
    assertThat(last.unitFrom()).isEqualTo(8);
    assertThat(last.unitTo()).isEqualTo(10);
  }

  @Test
  void concurrentSubmitsWithOneIdempotencyKeyCreateOneSimulation() throws Exception {
    String key = "key-" + UUID.randomUUID();
    int threads = 16;
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<SimulationStore.Submission>> calls = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      calls.add(
          () -> {
            start.await();
            return simulations.create(aSimulation("carl", 5, 1, key));
          });
    }
    List<SimulationStore.Submission> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<SimulationStore.Submission>> futures = new ArrayList<>();
      for (var call : calls) {
        futures.add(pool.submit(call));
      }
      start.countDown();
      for (var f : futures) {
        results.add(f.get());
      }
    }
    assertThat(results)
        .extracting(SimulationStore.Submission::id)
        .containsOnly(results.get(0).id());
    assertThat(results).filteredOn(SimulationStore.Submission::created).hasSize(1);
    assertThat(simulations.list("carl", null, 100, null).items()).hasSize(1);
    // The same key from another owner is another simulation.
    assertThat(simulations.create(aSimulation("dora", 5, 1, key)).created()).isTrue();
  }

  @Test
  void aClaimFencesTheCommitSoAStaleAttemptCannotWrite() {
    NewSimulation s = aSimulation("ann", 1, 1, null);
    simulations.create(s);
    var first = (ChunkStore.Claimed) chunks.claim(s.id(), 0, 0, Duration.ZERO);
    assertThat(first.attempt()).isEqualTo(1);
    // The lease (zero) has expired: a second delivery takes the chunk over as attempt 2.
    var second = (ChunkStore.Claimed) chunks.claim(s.id(), 0, 0, Duration.ofMinutes(5));
    assertThat(second.attempt()).isEqualTo(2);
    // A third delivery while attempt 2 holds a live lease must wait.
    assertThat(chunks.claim(s.id(), 0, 0, Duration.ofMinutes(5)))
        .isInstanceOf(ChunkStore.Busy.class);

    assertThat(chunks.commitSuccess(s.id(), 0, first.attempt(), "stale".getBytes()))
        .isInstanceOf(ChunkStore.Superseded.class);
    var committed = chunks.commitSuccess(s.id(), 0, second.attempt(), "fresh".getBytes());
    assertThat(committed).isInstanceOf(ChunkStore.Committed.class);
    assertThat(((ChunkStore.Committed) committed).finalizeOutboxId()).isNotNull();
    assertThat(chunks.commitSuccess(s.id(), 0, second.attempt(), "again".getBytes()))
        .isInstanceOf(ChunkStore.Superseded.class);
    assertThat(chunks.claim(s.id(), 0, 0, Duration.ofMinutes(5)))
        .isEqualTo(new ChunkStore.NothingToDo("chunk already SUCCEEDED"));
    assertThat(chunks.claim(s.id(), 0, 7, Duration.ofMinutes(5)))
        .isEqualTo(new ChunkStore.NothingToDo("stale generation 7"));
    assertThat(new String(chunks.loadForFinalize(s.id()).chunkResults().getFirst()))
        .isEqualTo("fresh");
  }

  @Test
  void onlyTheCommitOfTheLastChunkEnqueuesFinalizeEvenWhenCommitsRace() throws Exception {
    int n = 64;
    NewSimulation s = aSimulation("ann", n, 1, null);
    simulations.create(s);
    List<ChunkStore.Claimed> claims = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      claims.add((ChunkStore.Claimed) chunks.claim(s.id(), i, 0, Duration.ofMinutes(5)));
    }
    assertThat(simulations.find("ann", s.id()).orElseThrow().status())
        .isEqualTo(SimulationStatus.RUNNING);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<ChunkStore.Commit>> commits = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
      for (ChunkStore.Claimed c : claims) {
        commits.add(
            pool.submit(
                () -> {
                  start.await();
                  return chunks.commitSuccess(s.id(), c.chunkIndex(), c.attempt(), new byte[] {1});
                }));
      }
      start.countDown();
      List<ChunkStore.Commit> results = new ArrayList<>();
      for (var f : commits) {
        results.add(f.get());
      }
      assertThat(results).allMatch(r -> r instanceof ChunkStore.Committed);
      assertThat(results)
          .filteredOn(r -> ((ChunkStore.Committed) r).finalizeOutboxId() != null)
          .hasSize(1);
    }
  }

  @Test
  void finalizeSucceedsExactlyOnce() throws Exception {
    NewSimulation s = aSimulation("ann", 1, 1, null);
    simulations.create(s);
    var c = (ChunkStore.Claimed) chunks.claim(s.id(), 0, 0, Duration.ofMinutes(5));
    chunks.commitSuccess(s.id(), 0, c.attempt(), new byte[] {1});
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> finals = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < 8; i++) {
        int k = i;
        finals.add(
            pool.submit(
                () -> {
                  start.await();
                  return chunks
                      .finalizeSucceeded(s.id(), ("result-" + k).getBytes(), Map.of())
                      .isPresent();
                }));
      }
      start.countDown();
      int winners = 0;
      for (var f : finals) {
        winners += f.get() ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    }
    SimulationStore.Outcome outcome = simulations.outcome("ann", s.id()).orElseThrow();
    assertThat(outcome.status()).isEqualTo(SimulationStatus.SUCCEEDED);
    assertThat(new String(outcome.result())).startsWith("result-");
    assertThat(simulations.find("ann", s.id()).orElseThrow().finishedAt()).isNotNull();
  }

  @Test
  void listingPagesNewestFirstByKeyset() {
    String owner = "pager-" + UUID.randomUUID();
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      NewSimulation s = aSimulation(owner, 1, 1, null);
      simulations.create(s);
      ids.add(0, s.id());
    }
    List<UUID> seen = new ArrayList<>();
    String cursor = null;
    do {
      SimulationStore.Page page = simulations.list(owner, null, 3, cursor);
      assertThat(page.items().size()).isLessThanOrEqualTo(3);
      page.items().forEach(v -> seen.add(v.id()));
      cursor = page.nextCursor();
    } while (cursor != null);
    assertThat(seen).containsExactlyElementsOf(ids);
    assertThat(simulations.list(owner, SimulationStatus.RUNNING, 10, null).items()).isEmpty();
  }
}
