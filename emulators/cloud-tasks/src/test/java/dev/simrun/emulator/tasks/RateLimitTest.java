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
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rate limits on the real clock, with tolerances stated per assertion. */
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
  void holdsTheDispatchRateOverSixtyTasks() {
    int rate = 20;
    int burst = TaskQueues.burstFor(rate);
    int n = 60;
    try (TestReceiver receiver = TestReceiver.start()) {
      QueueName queue =
          pausedQueue(
              RateLimits.newBuilder().setMaxDispatchesPerSecond(rate).build(),
              RetryConfig.getDefaultInstance());
      assertThat(tasks.client().getQueue(queue).getRateLimits().getMaxBurstSize()).isEqualTo(burst);
      fill(queue, receiver, n);
      tasks.client().resumeQueue(queue);
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.deliveries().size() == n);

      List<Long> times = receiver.deliveries().stream().map(d -> d.nanoTime()).sorted().toList();
      // The bucket starts full (burst), then refills at `rate`: n - burst tokens take
      // (n - burst) / rate seconds. Allow 10% either way for scheduling jitter.
      double seconds = (times.getLast() - times.getFirst()) / 1e9;
      double ideal = (double) (n - burst) / rate;
      assertThat(seconds).isBetween(ideal * 0.9, ideal * 1.1);
      // No one-second window ever holds more than a full bucket plus a second's refill (+1 for
      // the window's edges).
      for (int i = 0; i < times.size(); i++) {
        long end = times.get(i) + 1_000_000_000L;
        int count = 0;
        for (int j = i; j < times.size() && times.get(j) < end; j++) {
          count++;
        }
        assertThat(count)
            .as("deliveries in the second after #%d", i)
            .isLessThanOrEqualTo(rate + burst + 1);
      }
      // After the initial burst the pace is the rate: the last 50 deliveries span 49 intervals.
      double steady = (times.getLast() - times.get(n - 50)) / 1e9;
      assertThat(49 / steady).isBetween(rate * 0.9, rate * 1.1);
    }
  }

  @Test
  void neverHasMoreThanMaxConcurrentDispatchesInFlight() {
    try (TestReceiver receiver = TestReceiver.start()) {
      receiver.respond(d -> new TestReceiver.Response(200, Map.of(), 100));
      QueueName queue =
          pausedQueue(
              RateLimits.newBuilder().setMaxConcurrentDispatches(3).build(),
              RetryConfig.getDefaultInstance());
      fill(queue, receiver, 30);
      tasks.client().resumeQueue(queue);
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.deliveries().size() == 30);
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
