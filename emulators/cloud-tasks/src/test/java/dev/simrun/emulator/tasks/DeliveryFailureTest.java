package dev.simrun.emulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.LocationName;
import com.google.cloud.tasks.v2.QueueName;
import com.google.cloud.tasks.v2.RetryConfig;
import com.google.cloud.tasks.v2.Task;
import com.google.protobuf.util.Durations;
import io.grpc.Status;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Attempts that get no answer: a dispatch deadline that passes, a target that is not there. */
class DeliveryFailureTest {
  static final LocationName LOCATION = Harness.LOCATION;

  @RegisterExtension
  static Harness tasks = Harness.grpc(b -> b.minDispatchDeadline(Duration.ofSeconds(1)));

  static QueueName queue;

  @BeforeAll
  static void connect() {
    queue =
        tasks.newQueue(
            "failures",
            q ->
                q.setRetryConfig(
                    RetryConfig.newBuilder()
                        .setMaxAttempts(20)
                        .setMinBackoff(Durations.fromMillis(100))
                        .setMaxBackoff(Durations.fromMillis(200))));
  }

  @Test
  void anAttemptPastItsDispatchDeadlineFailsAndIsRetried() {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch retried = new CountDownLatch(1);
    AtomicBoolean firstAnswered = new AtomicBoolean();
    AtomicReference<Boolean> firstAnsweredAtRetry = new AtomicReference<>();
    // The first push is held, unanswered, until the retry has arrived (or for 30 s at most).
    tasks
        .receiver()
        .respond(
            d -> {
              if (!d.path().endsWith("slow")) {
                return TestReceiver.Response.status(200);
              }
              if (calls.getAndIncrement() == 0) {
                try {
                  retried.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                firstAnswered.set(true);
              } else {
                firstAnsweredAtRetry.compareAndSet(null, firstAnswered.get());
                retried.countDown();
              }
              return TestReceiver.Response.status(200);
            });
    tasks
        .client()
        .createTask(
            queue,
            Task.newBuilder()
                .setName(queue + "/tasks/slow")
                .setDispatchDeadline(Durations.fromSeconds(1))
                .setHttpRequest(HttpRequest.newBuilder().setUrl(tasks.receiver().url("/slow")))
                .build());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> tasks.receiver().deliveriesOf("slow").size() == 2);
    TestReceiver.Delivery first = tasks.receiver().deliveriesOf("slow").getFirst();
    TestReceiver.Delivery retry = tasks.receiver().deliveriesOf("slow").get(1);
    assertThat(retry.retryCount()).isEqualTo(1);
    assertThat(retry.header("X-CloudTasks-TaskRetryReason")).isEqualTo("DEADLINE_EXCEEDED");
    assertThat(retry.header("X-CloudTasks-TaskPreviousResponse")).isNull();
    // The retry came while the first push was still unanswered: the emulator gave up on its own.
    await().atMost(Duration.ofSeconds(20)).until(() -> firstAnsweredAtRetry.get() != null);
    assertThat(firstAnsweredAtRetry.get()).isFalse();
    // And not before the deadline: on the emulator's own clock, the retry was due at least one
    // deadline (1 s) after the first push was.
    double dueApart = eta(retry) - eta(first);
    assertThat(dueApart).isGreaterThanOrEqualTo(1.0);
  }

  /** When the emulator had the attempt due, in seconds (its {@code X-CloudTasks-TaskETA}). */
  static double eta(TestReceiver.Delivery d) {
    return Double.parseDouble(d.header("X-CloudTasks-TaskETA"));
  }

  @Test
  void anUnreachableTargetIsAFailedAttemptWithoutAResponse() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Task task =
        tasks
            .client()
            .createTask(
                queue,
                Task.newBuilder()
                    .setHttpRequest(
                        HttpRequest.newBuilder().setUrl("http://127.0.0.1:" + closedPort + "/none"))
                    .build());
    Task failed =
        await().until(() -> tasks.client().getTask(task.getName()), t -> t.getDispatchCount() >= 2);
    assertThat(failed.getResponseCount()).isZero();
    assertThat(failed.getLastAttempt().getResponseStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE.value());
    tasks.client().deleteTask(task.getName());
  }
}
