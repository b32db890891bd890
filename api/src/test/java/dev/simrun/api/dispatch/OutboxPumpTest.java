package dev.simrun.api.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.shared.config.TasksConfig;
import dev.simrun.shared.dispatch.OutboxDispatcher;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/** The pump's loop on its own: woken, ticking, surviving failures, stopping. */
class OutboxPumpTest {
  private static final TasksConfig TASKS =
      new TasksConfig(
          "p",
          "l",
          "i",
          "b",
          "i-io",
          "b-io",
          "f",
          "http://worker",
          null,
          "sa@p",
          null,
          null,
          1,
          java.time.Duration.ofSeconds(5),
          java.time.Duration.ofMinutes(10),
          100);

  /** A dispatcher whose drain does what the test says and counts its calls. */
  static final class FakeDispatcher extends OutboxDispatcher {
    final AtomicInteger drains = new AtomicInteger();
    private final IntSupplier drain;

    FakeDispatcher(IntSupplier drain) {
      super(null, null, null, TASKS);
      this.drain = drain;
    }

    @Override
    public int drain() {
      drains.incrementAndGet();
      return drain.getAsInt();
    }
  }

  @Test
  void aWakeDrainsAtOnceEvenWhenTheTimerIsFarAway() {
    FakeDispatcher dispatcher = new FakeDispatcher(() -> 0);
    // Timer and stop timeout an hour away: only a wake can bring a drain, and a stop that returns
    // at all ended the loop by waking it, not by timing out and interrupting it.
    OutboxPump pump =
        new OutboxPump(dispatcher, new DispatchConfig(Duration.ofHours(1), Duration.ofHours(1)));
    pump.start();
    CompletableFuture<Void> stopped = null;
    try {
      assertThat(dispatcher.drains).hasValue(0);
      pump.wake();
      await().atMost(Duration.ofSeconds(30)).until(dispatcher.drains::get, n -> n == 1);
      pump.wake();
      await().atMost(Duration.ofSeconds(30)).until(dispatcher.drains::get, n -> n == 2);
    } finally {
      stopped = CompletableFuture.runAsync(pump::stop);
      await().atMost(Duration.ofSeconds(30)).until(stopped::isDone);
    }
    assertThat(stopped).isCompleted();
    assertThat(dispatcher.drains).as("stopping drains nothing more").hasValue(2);
  }

  @Test
  void failingDrainsAreRetriedOnTheTimerAndNeverEndTheLoop() {
    AtomicInteger calls = new AtomicInteger();
    FakeDispatcher dispatcher =
        new FakeDispatcher(
            () -> {
              if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("database unavailable (injected)");
              }
              return 1;
            });
    OutboxPump pump =
        new OutboxPump(
            dispatcher, new DispatchConfig(Duration.ofMillis(20), Duration.ofSeconds(5)));
    pump.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(dispatcher.drains::get, n -> n >= 5);
    } finally {
      pump.stop();
    }
    assertThat(calls).hasValueGreaterThanOrEqualTo(5);
  }

  @Test
  void stopInterruptsADrainThatOutlastsTheStopTimeout() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    FakeDispatcher dispatcher =
        new FakeDispatcher(
            () -> {
              entered.countDown();
              try {
                new CountDownLatch(1).await();
              } catch (InterruptedException e) {
                interrupted.countDown();
                Thread.currentThread().interrupt();
              }
              return 0;
            });
    OutboxPump pump =
        new OutboxPump(
            dispatcher, new DispatchConfig(Duration.ofMillis(10), Duration.ofMillis(200)));
    pump.start();
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    pump.stop();
    // Interrupted by stop; the drain's thread may get to run only after stop has returned.
    assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
  }
}
