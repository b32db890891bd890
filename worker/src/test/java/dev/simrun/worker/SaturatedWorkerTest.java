package dev.simrun.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.shared.dispatch.OutboxDispatcher;
import dev.simrun.shared.simulations.Priority;
import dev.simrun.worker.testing.Rows;
import dev.simrun.worker.testing.Simulations;
import dev.simrun.worker.testing.SumKind;
import dev.simrun.worker.testing.WorkerHarness;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Through the emulator, as the stack is configured: a worker with 2 CPU slots, and its interactive
 * and batch queues each pushing up to twice that. A backlog of both priorities at once saturates
 * the worker; nothing is refused, never more than 2 chunks run, and the people's simulation ends
 * before the batch one though both were queued together.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SaturatedWorkerTest implements TestPropertyProvider {
  static final int SLOTS = 2;
  static final int CHUNKS = 12;

  WorkerHarness tasks;

  @Inject Simulations simulations;
  @Inject OutboxDispatcher dispatcher;
  @Inject Rows rows;

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start();
    tasks.limitQueue(tasks.interactiveQueue(), 2 * SLOTS);
    tasks.limitQueue(tasks.batchQueue(), 2 * SLOTS);
    Map<String, String> p = new HashMap<>(tasks.properties());
    p.put("simrun.worker.max-concurrent-chunks", Integer.toString(SLOTS));
    return p;
  }

  @AfterAll
  void stop() {
    tasks.close();
  }

  @Test
  void aMixedBacklogRunsWithoutRefusalsPeopleFirst() {
    SumKind.Params params = SumKind.Params.of(CHUNKS * 5L, 5).slow(10);
    UUID batch = simulations.create(params, Priority.BATCH);
    UUID people = simulations.create(params, Priority.INTERACTIVE);
    dispatcher.drain();

    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                rows.status(batch).equals("SUCCEEDED") && rows.status(people).equals("SUCCEEDED"));

    assertThat(tasks.stats(tasks.interactiveQueue()).failures()).as("refused pushes").isZero();
    assertThat(tasks.stats(tasks.batchQueue()).failures()).as("refused pushes").isZero();
    List<Rows.Interval> all = new ArrayList<>(rows.intervals(people));
    all.addAll(rows.intervals(batch));
    assertThat(peak(all)).as("chunks running at once").isLessThanOrEqualTo(SLOTS);
    Instant peopleDone = last(rows.intervals(people));
    Instant batchDone = last(rows.intervals(batch));
    assertThat(peopleDone).as("the people's last chunk, before the batch's").isBefore(batchDone);
  }

  static Instant last(List<Rows.Interval> intervals) {
    return intervals.stream()
        .map(Rows.Interval::finished)
        .max(Comparator.naturalOrder())
        .orElseThrow();
  }

  /** The most intervals open at one instant (an end and a start at the same instant: not both). */
  static int peak(List<Rows.Interval> intervals) {
    List<long[]> edges = new ArrayList<>();
    for (Rows.Interval i : intervals) {
      edges.add(new long[] {micros(i.started()), 1});
      edges.add(new long[] {micros(i.finished()), -1});
    }
    edges.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    int open = 0;
    int peak = 0;
    for (long[] e : edges) {
      open += (int) e[1];
      peak = Math.max(peak, open);
    }
    return peak;
  }

  static long micros(Instant i) {
    return i.getEpochSecond() * 1_000_000 + i.getNano() / 1_000;
  }
}
