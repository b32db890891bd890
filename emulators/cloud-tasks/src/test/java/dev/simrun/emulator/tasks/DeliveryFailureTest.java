package dev.simrun.emulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.LocationName;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.QueueName;
import com.google.cloud.tasks.v2.RetryConfig;
import com.google.cloud.tasks.v2.Task;
import com.google.protobuf.util.Durations;
import io.grpc.Status;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Attempts that get no answer: a dispatch deadline that passes, a target that is not there. */
class DeliveryFailureTest {
  static final LocationName LOCATION = LocationName.of("simrun-test", "local");

  @RegisterExtension
  static CloudTasksEmulatorExtension tasks =
      new CloudTasksEmulatorExtension(b -> b.minDispatchDeadline(Duration.ofSeconds(1)));

  static CloudTasksClient client;
  static TestReceiver receiver;
  static QueueName queue;

  @BeforeAll
  static void connect() {
    client = Clients.grpc(tasks.emulator());
    receiver = TestReceiver.start();
    queue = QueueName.of("simrun-test", "local", "failures-" + UUID.randomUUID());
    client.createQueue(
        LOCATION,
        Queue.newBuilder()
            .setName(queue.toString())
            .setRetryConfig(
                RetryConfig.newBuilder()
                    .setMaxAttempts(20)
                    .setMinBackoff(Durations.fromMillis(100))
                    .setMaxBackoff(Durations.fromMillis(200)))
            .build());
  }

  @AfterAll
  static void disconnect() {
    client.close();
    receiver.close();
  }

  @Test
  void anAttemptPastItsDispatchDeadlineFailsAndIsRetried() {
    AtomicInteger calls = new AtomicInteger();
    receiver.respond(
        d ->
            new TestReceiver.Response(
                200,
                Map.of(),
                d.path().endsWith("slow") && calls.getAndIncrement() == 0 ? 2500 : 0));
    client.createTask(
        queue,
        Task.newBuilder()
            .setName(queue + "/tasks/slow")
            .setDispatchDeadline(Durations.fromSeconds(1))
            .setHttpRequest(HttpRequest.newBuilder().setUrl(receiver.url("/slow")))
            .build());
    await().atMost(Duration.ofSeconds(5)).until(() -> receiver.deliveriesOf("slow").size() == 2);
    TestReceiver.Delivery retry = receiver.deliveriesOf("slow").get(1);
    assertThat(retry.retryCount()).isEqualTo(1);
    assertThat(retry.header("X-CloudTasks-TaskRetryReason")).isEqualTo("DEADLINE_EXCEEDED");
    assertThat(retry.header("X-CloudTasks-TaskPreviousResponse")).isNull();
    // The retry came about one deadline (1 s) plus one backoff after the first push, long before
    // the slow handler (2.5 s) finished.
    double gap = (retry.nanoTime() - receiver.deliveriesOf("slow").getFirst().nanoTime()) / 1e9;
    assertThat(gap).isBetween(1.0, 2.0);
  }

  @Test
  void anUnreachableTargetIsAFailedAttemptWithoutAResponse() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Task task =
        client.createTask(
            queue,
            Task.newBuilder()
                .setHttpRequest(
                    HttpRequest.newBuilder().setUrl("http://127.0.0.1:" + closedPort + "/none"))
                .build());
    Task failed =
        await().until(() -> client.getTask(task.getName()), t -> t.getDispatchCount() >= 2);
    assertThat(failed.getResponseCount()).isZero();
    assertThat(failed.getLastAttempt().getResponseStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE.value());
    client.deleteTask(task.getName());
  }
}
