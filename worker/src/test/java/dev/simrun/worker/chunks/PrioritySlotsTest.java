package dev.simrun.worker.chunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.shared.simulations.Priority;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hand-over rules of {@link PrioritySlots}, with real threads waiting. */
class PrioritySlotsTest {
  static final Duration LONG = Duration.ofMinutes(5);

  /**
   * Starts one thread per entry of {@code line}, in that order, each waiting for the slot; when a
   * thread gets it, it records its name and hands the slot on at once.
   */
  static List<String> order(PrioritySlots slots, List<String> line) throws Exception {
    List<String> served = new CopyOnWriteArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> all = new java.util.ArrayList<>();
      for (String name : line) {
        int before = slots.waiting();
        Priority p = name.startsWith("b") ? Priority.BATCH : Priority.INTERACTIVE;
        all.add(
            pool.submit(
                () -> {
                  assertThat(slots.acquire(p, LONG)).isPresent();
                  served.add(name);
                  slots.release();
                  return null;
                }));
        // Queue them in a known order.
        await().atMost(Duration.ofSeconds(30)).until(() -> slots.waiting() == before + 1);
      }
      slots.release(); // the slot the test held
      for (Future<?> f : all) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    return served;
  }

  @Test
  void aFreeSlotIsTakenAtOnceAndTheLimitHolds() throws Exception {
    PrioritySlots slots = new PrioritySlots(2, 0, 0.1);
    assertThat(slots.acquire(Priority.BATCH, Duration.ZERO)).contains(Duration.ZERO);
    assertThat(slots.acquire(Priority.INTERACTIVE, Duration.ZERO)).contains(Duration.ZERO);
    assertThat(slots.running()).isEqualTo(2);
    assertThat(slots.acquire(Priority.INTERACTIVE, LONG)).as("no room to wait in").isEmpty();
    slots.release();
    assertThat(slots.running()).isEqualTo(1);
    assertThat(slots.acquire(Priority.INTERACTIVE, Duration.ZERO)).isPresent();
  }

  @Test
  void interactiveGoesFirstButBatchGetsItsShareOfContendedTurns() throws Exception {
    PrioritySlots slots = new PrioritySlots(1, 100, 0.1);
    assertThat(slots.acquire(Priority.INTERACTIVE, LONG)).isPresent();
    List<String> line = new java.util.ArrayList<>(List.of("b1", "b2"));
    for (int i = 1; i <= 30; i++) {
      line.add("i" + i);
    }
    List<String> served = order(slots, line);
    // One turn in ten goes to batch while both wait: the 10th and the 20th.
    assertThat(served.indexOf("b1")).isEqualTo(9);
    assertThat(served.indexOf("b2")).isEqualTo(19);
    assertThat(served.subList(0, 9)).allMatch(n -> n.startsWith("i"));
    assertThat(slots.running()).isZero();
  }

  @Test
  void withOnlyOnePriorityWaitingItIsServedInArrivalOrder() throws Exception {
    PrioritySlots slots = new PrioritySlots(1, 10, 0.1);
    assertThat(slots.acquire(Priority.BATCH, LONG)).isPresent();
    assertThat(order(slots, List.of("b1", "b2", "b3"))).containsExactly("b1", "b2", "b3");
  }

  @Test
  void aWaitThatRunsOutIsRefusedAndLeavesTheLine() throws Exception {
    PrioritySlots slots = new PrioritySlots(1, 10, 0.1);
    assertThat(slots.acquire(Priority.INTERACTIVE, LONG)).isPresent();
    assertThat(slots.acquire(Priority.INTERACTIVE, Duration.ofMillis(20))).isEmpty();
    assertThat(slots.waiting()).isZero();
    slots.release();
    assertThat(slots.running()).as("the slot went back, to nobody").isZero();
  }
}
