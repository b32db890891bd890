package dev.simrun.shared.simulations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GroupedCallsTest {

  @Test
  void aCallerAloneRunsItsItemAtOnce() {
    List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    GroupedCalls<Integer, String> calls =
        new GroupedCalls<>(
            2,
            64,
            items -> {
              batches.add(items);
              return items.stream().map(i -> "r" + i).toList();
            });
    assertThat(calls.call(7)).isEqualTo("r7");
    assertThat(batches).containsExactly(List.of(7));
  }

  @Test
  void concurrentCallersShareBatchesAndEachGetsItsOwnResult() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostRunning = new AtomicInteger();
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    GroupedCalls<Integer, Integer> calls =
        new GroupedCalls<>(
            2,
            16,
            items -> {
              mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
              try {
                Thread.sleep(2); // a round trip
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              running.decrementAndGet();
              sizes.add(items.size());
              return items.stream().map(i -> i * 10).toList();
            });
    int n = 2_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        int item = i;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return calls.call(item);
                }));
      }
      start.countDown();
      for (int i = 0; i < n; i++) {
        assertThat(results.get(i).get()).isEqualTo(i * 10);
      }
    }
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
    assertThat(sizes).allMatch(s -> s <= 16);
    assertThat(sizes.size()).as("batches").isLessThan(n / 2);
    assertThat(mostRunning.get()).as("batches at once").isLessThanOrEqualTo(2);
  }

  @Test
  void aFailingItemFailsAloneWhenItsBatchIsRunAgainOneByOne() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    GroupedCalls<Integer, Integer> calls =
        new GroupedCalls<>(
            1,
            64,
            items -> {
              try {
                gate.await(); // let the others queue up behind the first batch
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              if (items.contains(13)) {
                throw new IllegalStateException("13 is bad");
              }
              return items;
            });
    List<Future<Integer>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 10; i < 20; i++) {
        int item = i;
        results.add(pool.submit(() -> calls.call(item)));
      }
      Thread.sleep(100);
      gate.countDown();
      for (int i = 0; i < 10; i++) {
        Future<Integer> f = results.get(i);
        if (i + 10 == 13) {
          assertThatThrownBy(f::get).hasRootCauseMessage("13 is bad");
        } else {
          assertThat(f.get()).isEqualTo(i + 10);
        }
      }
    }
  }
}
