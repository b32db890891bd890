package dev.simrun.shared.simulations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.shared.dispatch.OutboxRow;
import dev.simrun.shared.dispatch.OutboxStore;
import dev.simrun.shared.events.EventLog;
import dev.simrun.shared.events.EventType;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.testing.TestDatabase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
import java.util.concurrent.atomic.AtomicBoolean;
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
  @Inject FinalizeStore finalizes;
  @Inject OutboxStore outbox;
  @Inject EventLog events;

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
    assertThat(new String(finalizes.loadForFinalize(s.id()).chunkResults().getFirst()))
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
                  return finalizes
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

  /**
   * Many commits of one simulation's chunks at once, each raced by a newer attempt of the same
   * chunk: every chunk counts once, with one {@code chunk.succeeded} event; event ids are gap-free
   * and follow the count (after {@code simulation.queued}, 1, and {@code simulation.started}, 2,
   * the event with id k says k - 2 chunks are done); and a reader polling the log meanwhile never
   * sees a gap, which it would if a larger id committed before a smaller one (decision 0007).
   */
  @Test
  void racingCommitsOfOneSimulationLogOneEventPerChunkInIdOrder() throws Exception {
    int n = 200;
    NewSimulation s = aSimulation("race", n, 1, null);
    simulations.create(s);
    List<ChunkStore.Claimed> firsts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // A lease of zero has lapsed at once: a second delivery may take the chunk over.
      firsts.add((ChunkStore.Claimed) chunks.claim(s.id(), i, 0, Duration.ZERO));
    }
    AtomicBoolean committing = new AtomicBoolean(true);
    List<String> gaps = new ArrayList<>();
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  long last = 0;
                  boolean more = true;
                  while (more) {
                    more = committing.get();
                    for (SimulationEvent e : events.after(s.id(), last, 100_000)) {
                      if (e.id() != last + 1) {
                        gaps.add("after " + last + " came " + e.id());
                      }
                      last = e.id();
                    }
                  }
                });
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<ChunkStore.Commit>>> work = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
      for (ChunkStore.Claimed first : firsts) {
        work.add(
            pool.submit(
                () -> {
                  start.await();
                  return List.of(
                      chunks.commitSuccess(
                          s.id(), first.chunkIndex(), first.attempt(), new byte[] {1}));
                }));
        work.add(
            pool.submit(
                () -> {
                  start.await();
                  if (chunks.claim(s.id(), first.chunkIndex(), 0, Duration.ofMinutes(5))
                      instanceof ChunkStore.Claimed second) {
                    return List.of(
                        chunks.commitSuccess(
                            s.id(), second.chunkIndex(), second.attempt(), new byte[] {2}));
                  }
                  return List.<ChunkStore.Commit>of();
                }));
      }
      start.countDown();
      List<ChunkStore.Commit> results = new ArrayList<>();
      for (var f : work) {
        results.addAll(f.get());
      }
      committing.set(false);
      reader.join();

      List<ChunkStore.Committed> committed =
          results.stream()
              .filter(r -> r instanceof ChunkStore.Committed)
              .map(r -> (ChunkStore.Committed) r)
              .toList();
      assertThat(committed).as("one commit per chunk").hasSize(n);
      assertThat(committed).filteredOn(r -> r.finalizeOutboxId() != null).hasSize(1);
      assertThat(gaps).as("a reader of the log saw a later id before an earlier one").isEmpty();

      List<SimulationEvent> log = events.after(s.id(), 0, 100_000);
      assertThat(log).extracting(SimulationEvent::id).containsExactlyElementsOf(range(1, n + 2));
      assertThat(log.subList(0, 2))
          .extracting(SimulationEvent::type)
          .containsExactly(EventType.SIMULATION_QUEUED.wire(), EventType.SIMULATION_STARTED.wire());
      List<SimulationEvent> succeeded = log.subList(2, log.size());
      assertThat(succeeded)
          .allMatch(e -> e.type().equals(EventType.CHUNK_SUCCEEDED.wire()))
          .allMatch(e -> ((Number) e.data().get("chunksDone")).longValue() == e.id() - 2)
          .allMatch(e -> ((Number) e.data().get("chunkCount")).intValue() == n);
      assertThat(succeeded)
          .extracting(e -> ((Number) e.data().get("chunk")).intValue())
          .containsExactlyInAnyOrderElementsOf(
              range(0, n - 1).stream().map(Long::intValue).toList());
      // What each commit handed its caller to publish is what the log holds.
      assertThat(
              committed.stream()
                  .map(r -> r.events().getFirst())
                  .sorted(Comparator.comparingLong(SimulationEvent::id))
                  .map(e -> e.id() + " " + e.data().get("chunk") + " " + e.data().get("chunksDone"))
                  .toList())
          .containsExactlyElementsOf(
              succeeded.stream()
                  .map(e -> e.id() + " " + e.data().get("chunk") + " " + e.data().get("chunksDone"))
                  .toList());
    }
    var view = simulations.find("race", s.id()).orElseThrow();
    assertThat(view.chunks().succeeded()).isEqualTo(n);
    assertThat(finalizes.loadForFinalize(s.id()).outstanding()).isZero();
  }

  private static List<Long> range(long from, long to) {
    List<Long> ids = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      ids.add(i);
    }
    return ids;
  }

  /**
   * A chunk that commits while its simulation is being cancelled counts and logs its event; the
   * commit of the last running chunk also makes the simulation CANCELLED, once, and enqueues no
   * finalize.
   */
  @Test
  void theLastCommitOfACancellingSimulationCompletesTheCancel() {
    NewSimulation s = aSimulation("cancel-commit", 3, 1, null);
    simulations.create(s);
    var a = (ChunkStore.Claimed) chunks.claim(s.id(), 0, 0, Duration.ofMinutes(5));
    var b = (ChunkStore.Claimed) chunks.claim(s.id(), 1, 0, Duration.ofMinutes(5));
    assertThat(simulations.cancel("cancel-commit", s.id()))
        .isInstanceOfSatisfying(
            SimulationStore.Cancelling.class, c -> assertThat(c.cancelled()).isEmpty());

    var first = (ChunkStore.Committed) chunks.commitSuccess(s.id(), 0, a.attempt(), new byte[] {1});
    assertThat(first.finalizeOutboxId()).isNull();
    assertThat(first.events()).extracting(SimulationEvent::type).containsExactly("chunk.succeeded");
    assertThat(simulations.find("cancel-commit", s.id()).orElseThrow().status())
        .isEqualTo(SimulationStatus.CANCELLING);

    var last = (ChunkStore.Committed) chunks.commitSuccess(s.id(), 1, b.attempt(), new byte[] {1});
    assertThat(last.finalizeOutboxId()).isNull();
    assertThat(last.events())
        .extracting(SimulationEvent::type)
        .containsExactly("chunk.succeeded", "simulation.cancelled");
    assertThat(last.events().get(1).id()).isEqualTo(last.events().get(0).id() + 1);
    var view = simulations.find("cancel-commit", s.id()).orElseThrow();
    assertThat(view.status()).isEqualTo(SimulationStatus.CANCELLED);
    assertThat(view.finishedAt()).isNotNull();
    List<SimulationEvent> log = events.after(s.id(), 0, 100);
    assertThat(log.getLast().type()).isEqualTo("simulation.cancelled");
    assertThat(log.getLast().id()).isEqualTo(last.events().get(1).id());
    assertThat(log).extracting(SimulationEvent::id).doesNotHaveDuplicates().isSorted();
  }
}
