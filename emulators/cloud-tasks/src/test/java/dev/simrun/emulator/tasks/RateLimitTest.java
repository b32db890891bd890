package dev.simrun.emulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.LocationName;
import com.google.cloud.tasks.v2.QueueName;
import com.google.cloud.tasks.v2.RateLimits;
import com.google.cloud.tasks.v2.RetryConfig;
import com.google.cloud.tasks.v2.Task;
import com.google.protobuf.util.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rate limits on the real clock, asserted only in ways a slow machine cannot break: never faster
 * than the rate, never more at once than allowed. {@link RatePacingTest} counts the tokens exactly
 * on a clock the test moves.
 */
class RateLimitTest {
  static final LocationName LOCATION = Harness.LOCATION;

  @RegisterExtension static Harness tasks = Harness.grpc();

  static QueueName pausedQueue(RateLimits limits, RetryConfig retry) {
    QueueName name = tasks.newQueue("rate", q -> q.setRateLimits(limits).setRetryConfig(retry));
    tasks.client().pauseQueue(name);
    return name;
  }

  static void fill(QueueName queue, TestReceiver receiver, int n) {
    for (int i = 0; i < n; i++) {
      tasks
          .client()
          .createTask(
              queue,
              Task.newBuilder()
                  .setHttpRequest(HttpRequest.newBuilder().setUrl(receiver.url("/rate")))
                  .build());
    }
  }

  @Test
  void neverDispatchesFasterThanTheRateOverSixtyTasks() {
    int rate = 20;
    int burst = QueueAdmin.burstFor(rate);
    int n = 60;
    try (TestReceiver receiver = TestReceiver.start()) {
      QueueName queue =
          pausedQueue(
              RateLimits.newBuilder().setMaxDispatchesPerSecond(rate).build(),
              RetryConfig.getDefaultInstance());
      assertThat(tasks.client().getQueue(queue).getRateLimits().getMaxBurstSize()).isEqualTo(burst);
      fill(queue, receiver, n);
      long resumed = System.nanoTime();
      tasks.client().resumeQueue(queue);
      await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveries().size() == n);

      // The bucket holds `burst` tokens when the queue resumes and gains `rate` a second, so push
      // k (from 1) cannot arrive before (k - burst) / rate seconds have passed. A slow machine only
      // makes pushes later. 10 ms allow for the bucket's wall clock against System.nanoTime.
      List<Long> times = receiver.deliveries().stream().map(d -> d.nanoTime()).sorted().toList();
      for (int k = burst + 1; k <= n; k++) {
        double earliest = (double) (k - burst) / rate - 0.010;
        assertThat((times.get(k - 1) - resumed) / 1e9)
            .as("seconds from resume to push %d", k)
            .isGreaterThanOrEqualTo(earliest);
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> tasks.emulator().stats().queues().get(queue.toString()).successes() == n);
      assertThat(tasks.emulator().stats().queues().get(queue.toString()).attempts()).isEqualTo(n);
    }
  }

  @Test
  void neverHasMoreThanMaxConcurrentDispatchesInFlight() {
    try (TestReceiver receiver = TestReceiver.start()) {
      // The first pushes wait for one another until three are in flight, however slowly they come;
      // every push then takes 100 ms, time for a fourth to show up if one were sent.
      CountDownLatch threeAtOnce = new CountDownLatch(3);
      receiver.respond(
          d -> {
            threeAtOnce.countDown();
            try {
              threeAtOnce.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new TestReceiver.Response(200, Map.of(), 100);
          });
      QueueName queue =
          pausedQueue(
              RateLimits.newBuilder().setMaxConcurrentDispatches(3).build(),
              RetryConfig.getDefaultInstance());
      fill(queue, receiver, 30);
      tasks.client().resumeQueue(queue);
      await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveries().size() == 30);
      assertThat(receiver.maxInFlight()).isEqualTo(3);
    }
  }

  /**
   * Google documents that a 429 or 503 makes Cloud Tasks back off harder and that the {@code
   * Retry-After} header "is considered" for the retry (HttpRequest, "System throttling"): the task
   * waits, the queue's effective rate drops, and the other tasks go on.
   */
  @Test
  void retryAfterOnA429DelaysThatTaskOnlyAndSlowsTheQueueDown() {
    try (TestReceiver receiver = TestReceiver.start()) {
      AtomicBoolean first = new AtomicBoolean(true);
      receiver.respond(
          d ->
              first.getAndSet(false)
                  ? new TestReceiver.Response(429, Map.of("Retry-After", "2"), 0)
                  : TestReceiver.Response.status(200));
      QueueName queue =
          pausedQueue(
              RateLimits.newBuilder().setMaxConcurrentDispatches(1).build(),
              RetryConfig.newBuilder()
                  .setMinBackoff(Durations.fromMillis(100))
                  .setMaxBackoff(Durations.fromMillis(100))
                  .build());
      fill(queue, receiver, 5);
      tasks.client().resumeQueue(queue);
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveries().size() == 6);
      List<TestReceiver.Delivery> deliveries = receiver.deliveries();
      String refused = deliveries.get(0).header("X-CloudTasks-TaskName");
      // The four other tasks went on at once; the refused one came back last, after Retry-After.
      assertThat(deliveries.subList(1, 5))
          .extracting(d -> d.header("X-CloudTasks-TaskName"))
          .doesNotContain(refused);
      assertThat(deliveries.get(5).header("X-CloudTasks-TaskName")).isEqualTo(refused);
      assertThat((deliveries.get(5).nanoTime() - deliveries.get(0).nanoTime()) / 1e9)
          .isGreaterThanOrEqualTo(1.95);
      // And the queue's effective rate was lowered (it recovers with successes).
      EmulatorStats.Queue stats = tasks.emulator().stats().queues().get(queue.toString());
      assertThat(stats.effectiveDispatchesPerSecond()).isLessThan(500.0);
      assertThat(stats.successes()).isEqualTo(5);
      assertThat(stats.failures()).isEqualTo(1);
    }
  }
}
