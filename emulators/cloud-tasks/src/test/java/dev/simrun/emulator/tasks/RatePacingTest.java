package dev.simrun.emulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.QueueName;
import com.google.cloud.tasks.v2.RateLimits;
import com.google.cloud.tasks.v2.Task;
import dev.simrun.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dispatch rate on a clock the test moves: the token bucket counted exactly, push by push, with
 * no wall time in any assertion ({@link RateLimitTest} covers the real clock).
 */
class RatePacingTest {
  static final TestClock clock = TestClock.at(Instant.parse("2026-04-01T08:00:00Z"));

  @RegisterExtension static Harness tasks = Harness.grpc(b -> b.clock(clock));

  static long attempts(QueueName queue) {
    return tasks.emulator().stats().queues().get(queue.toString()).attempts();
  }

  /**
   * Waits until {@code count} pushes went out, then checks that no more follow while the clock
   * stands still (the dispatcher looks every few ms on a moved clock: many looks in 200 ms).
   */
  static void pushedExactly(QueueName queue, long count) {
    await().atMost(Duration.ofSeconds(30)).until(() -> attempts(queue) >= count);
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(30))
        .until(() -> attempts(queue) == count);
  }

  @Test
  void aStillClockLetsTheBurstOutAndEachTokensWorthOfTimeExactlyOneMore() {
    int rate = 16; // a token every 62.5 ms: exact in binary, no rounding in the bucket
    int burst = QueueAdmin.burstFor(rate);
    Duration token = Duration.ofNanos(1_000_000_000L / rate);
    int n = 20;
    int steps = 8;
    QueueName queue =
        tasks.newQueue(
            "pace", q -> q.setRateLimits(RateLimits.newBuilder().setMaxDispatchesPerSecond(rate)));
    tasks.client().pauseQueue(queue);
    for (int i = 0; i < n; i++) {
      tasks
          .client()
          .createTask(
              queue,
              Task.newBuilder()
                  .setHttpRequest(HttpRequest.newBuilder().setUrl(tasks.receiver().url("/pace")))
                  .build());
    }
    tasks.client().resumeQueue(queue);

    // The bucket starts full: the burst goes out at once, then nothing while no time passes.
    pushedExactly(queue, burst);
    for (int k = 1; k <= steps; k++) {
      clock.advance(token);
      pushedExactly(queue, burst + k);
    }
    // However long the queue waits, the bucket refills only up to its size.
    clock.advance(Duration.ofSeconds(10));
    int pushed = 2 * burst + steps;
    pushedExactly(queue, pushed);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> tasks.emulator().stats().queues().get(queue.toString()).successes() == pushed);
    assertThat(tasks.receiver().deliveries()).hasSize(pushed);
    assertThat(tasks.emulator().stats().queues().get(queue.toString()).tasks())
        .isEqualTo(n - pushed);
  }
}
