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
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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
    tasks
        .receiver()
        .respond(
            d ->
                new TestReceiver.Response(
                    200,
                    Map.of(),
                    d.path().endsWith("slow") && calls.getAndIncrement() == 0 ? 2500 : 0));
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
        .atMost(Duration.ofSeconds(5))
        .until(() -> tasks.receiver().deliveriesOf("slow").size() == 2);
    TestReceiver.Delivery retry = tasks.receiver().deliveriesOf("slow").get(1);
    assertThat(retry.retryCount()).isEqualTo(1);
    assertThat(retry.header("X-CloudTasks-TaskRetryReason")).isEqualTo("DEADLINE_EXCEEDED");
    assertThat(retry.header("X-CloudTasks-TaskPreviousResponse")).isNull();
    // The retry came about one deadline (1 s) plus one backoff after the first push, long before
    // the slow handler (2.5 s) finished.
    double gap =
        (retry.nanoTime() - tasks.receiver().deliveriesOf("slow").getFirst().nanoTime()) / 1e9;
    assertThat(gap).isBetween(1.0, 2.0);
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
