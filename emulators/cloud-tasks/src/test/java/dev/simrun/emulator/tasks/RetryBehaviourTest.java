package dev.simrun.emulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.LocationName;
import com.google.cloud.tasks.v2.QueueName;
import com.google.cloud.tasks.v2.RetryConfig;
import com.google.cloud.tasks.v2.Task;
import com.google.protobuf.util.Durations;
import dev.simrun.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retries on a clock the test moves: the exact backoff schedule, the headers of each retry, and
 * deletion once both retry limits are reached.
 */
class RetryBehaviourTest {
  static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
  static final LocationName LOCATION = Harness.LOCATION;
  static final TestClock clock = TestClock.at(T0);

  @RegisterExtension static Harness tasks = Harness.grpc(b -> b.clock(clock));

  static QueueName queue(RetryConfig retry) {
    return tasks.newQueue("retry", q -> q.setRetryConfig(retry));
  }

  static Task create(QueueName queue, String id) {
    return tasks
        .client()
        .createTask(
            queue,
            Task.newBuilder()
                .setName(queue + "/tasks/" + id)
                .setHttpRequest(
                    HttpRequest.newBuilder().setUrl(tasks.receiver().url("/retry/" + id)))
                .build());
  }

  /** Waits until the emulator has taken the outcome of attempt {@code n} into account. */
  static Task afterAttempt(String taskName, int n) {
    return await()
        .until(
            () -> tasks.client().getTask(taskName),
            t -> t.getDispatchCount() == n && t.getLastAttempt().hasResponseTime());
  }

  @Test
  void followsTheDocumentedBackoffScheduleAndDeletesAfterMaxAttempts() {
    QueueName queue =
        queue(
            RetryConfig.newBuilder()
                .setMaxAttempts(9)
                .setMinBackoff(Durations.fromSeconds(10))
                .setMaxBackoff(Durations.fromSeconds(300))
                .setMaxDoublings(3)
                .build());
    String id = "always-fails";
    tasks.receiver().respond(d -> TestReceiver.Response.status(d.path().endsWith(id) ? 500 : 200));
    Task task = create(queue, id);

    long[] expected = {10, 20, 40, 80, 160, 240, 300, 300};
    for (int attempt = 1; attempt <= expected.length; attempt++) {
      Task failed = afterAttempt(task.getName(), attempt);
      Instant failedAt = clock.instant();
      Instant next = Protos.instant(failed.getScheduleTime());
      assertThat(Duration.between(failedAt, next))
          .as("wait before retry %d", attempt)
          .isEqualTo(Duration.ofSeconds(expected[attempt - 1]));
      clock.advance(Duration.ofSeconds(expected[attempt - 1]));
      int deliveries = attempt + 1;
      await().until(() -> tasks.receiver().deliveriesOf(id).size() == deliveries);
      TestReceiver.Delivery retry = tasks.receiver().deliveriesOf(id).get(attempt);
      assertThat(retry.retryCount()).isEqualTo(attempt);
      assertThat(retry.header("X-CloudTasks-TaskExecutionCount"))
          .as("5xx answers do not count as executions")
          .isEqualTo("0");
      assertThat(retry.header("X-CloudTasks-TaskPreviousResponse")).isEqualTo("500");
      assertThat(retry.header("X-CloudTasks-TaskRetryReason")).isNotBlank();
      assertThat(retry.header("X-CloudTasks-TaskETA"))
          .isEqualTo(next.getEpochSecond() + "." + String.format("%06d", next.getNano() / 1000));
    }
    // The ninth attempt fails too: max_attempts is reached (no max_retry_duration), so the task is
    // deleted and never delivered again.
    await()
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> tasks.client().getTask(task.getName()))
                    .isInstanceOf(NotFoundException.class));
    clock.advance(Duration.ofHours(1));
    tasks.emulator().wakeUp();
    assertThat(tasks.receiver().deliveriesOf(id)).hasSize(9);
    assertThat(tasks.emulator().stats().queues().get(queue.toString()).deletedAfterRetries())
        .isEqualTo(1);
  }

  @Test
  void executionCountCountsOnlyNon5xxResponses() {
    QueueName queue =
        queue(
            RetryConfig.newBuilder()
                .setMaxAttempts(10)
                .setMinBackoff(Durations.fromSeconds(1))
                .setMaxBackoff(Durations.fromSeconds(1))
                .build());
    String id = "mixed-answers";
    List<Integer> answers = List.of(404, 503, 429, 200);
    AtomicInteger calls = new AtomicInteger();
    tasks
        .receiver()
        .respond(
            d ->
                TestReceiver.Response.status(
                    d.path().endsWith(id) ? answers.get(calls.getAndIncrement()) : 200));
    Task task = create(queue, id);
    for (int attempt = 1; attempt < answers.size(); attempt++) {
      afterAttempt(task.getName(), attempt);
      clock.advance(Duration.ofMinutes(5)); // past any backoff and the 429/503 slow-down
    }
    await().until(() -> tasks.receiver().deliveriesOf(id).size() == 4);
    List<TestReceiver.Delivery> d = tasks.receiver().deliveriesOf(id);
    assertThat(d).extracting(TestReceiver.Delivery::retryCount).containsExactly(0, 1, 2, 3);
    assertThat(d)
        .extracting(x -> x.header("X-CloudTasks-TaskExecutionCount"))
        .containsExactly("0", "1", "1", "2");
    assertThat(d)
        .extracting(x -> x.header("X-CloudTasks-TaskPreviousResponse"))
        .containsExactly(null, "404", "503", "429");
  }

  @Test
  void keepsRetryingUntilMaxRetryDurationHasPassedToo() {
    QueueName queue =
        queue(
            RetryConfig.newBuilder()
                .setMaxAttempts(2)
                .setMaxRetryDuration(Durations.fromSeconds(100))
                .setMinBackoff(Durations.fromSeconds(10))
                .setMaxBackoff(Durations.fromSeconds(10))
                .build());
    String id = "duration-bound";
    tasks.receiver().respond(d -> TestReceiver.Response.status(d.path().endsWith(id) ? 500 : 200));
    Task task = create(queue, id);
    // Attempts at T+0, 10, ..., 100: at T+100 both limits are reached.
    for (int attempt = 1; attempt <= 10; attempt++) {
      afterAttempt(task.getName(), attempt);
      clock.advance(Duration.ofSeconds(10));
    }
    await()
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> tasks.client().getTask(task.getName()))
                    .isInstanceOf(NotFoundException.class));
    assertThat(tasks.receiver().deliveriesOf(id)).hasSize(11);
  }

  @Test
  void aRunTaskFailureReschedulesByTheRetryConfig() {
    QueueName queue =
        queue(
            RetryConfig.newBuilder()
                .setMinBackoff(Durations.fromSeconds(30))
                .setMaxBackoff(Durations.fromSeconds(30))
                .build());
    tasks.client().pauseQueue(queue);
    String id = "run-fails";
    tasks.receiver().respond(d -> TestReceiver.Response.status(d.path().endsWith(id) ? 500 : 200));
    Task task = create(queue, id);
    tasks.client().runTask(task.getName());
    Task failed = afterAttempt(task.getName(), 1);
    assertThat(Protos.instant(failed.getScheduleTime())).isEqualTo(clock.instant().plusSeconds(30));
    assertThat(failed.getResponseCount()).isEqualTo(1);
    assertThat(failed.getLastAttempt().getResponseStatus().getCode())
        .isEqualTo(io.grpc.Status.Code.INTERNAL.value());
    assertThat(failed.getFirstAttempt().hasDispatchTime()).isTrue();
  }
}
