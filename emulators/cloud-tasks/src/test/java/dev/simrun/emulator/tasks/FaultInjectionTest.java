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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each fault-injection knob, observed where it matters: in the tasks.receiver(). */
class FaultInjectionTest {
  static final LocationName LOCATION = Harness.LOCATION;

  @RegisterExtension static Harness tasks = Harness.grpc(b -> b.randomSeed(7));

  static QueueName queue(FaultPlan faults, RetryConfig retry) {
    QueueName name = tasks.newQueue("faults", q -> q.setRetryConfig(retry));
    tasks.emulator().faults(name.toString(), faults);
    return name;
  }

  static String create(QueueName queue, String id) {
    tasks
        .client()
        .createTask(
            queue,
            Task.newBuilder()
                .setName(queue + "/tasks/" + id)
                .setHttpRequest(
                    HttpRequest.newBuilder().setUrl(tasks.receiver().url("/faults/" + id)))
                .build());
    return id;
  }

  @Test
  void duplicateDeliveryPushesTheSameAttemptTwiceOneAfterTheOther() {
    QueueName queue = queue(new FaultPlan(1.0, 0, 0), RetryConfig.getDefaultInstance());
    List<String> ids =
        List.of("dup-a", "dup-b", "dup-c").stream().map(i -> create(queue, i)).toList();
    for (String id : ids) {
      await().until(() -> tasks.receiver().deliveriesOf(id).size() == 2);
      List<TestReceiver.Delivery> d = tasks.receiver().deliveriesOf(id);
      assertThat(d).extracting(TestReceiver.Delivery::retryCount).containsExactly(0, 0);
    }
    EmulatorStats.Queue stats = tasks.emulator().stats().queues().get(queue.toString());
    assertThat(stats.duplicatesInjected()).isEqualTo(3);
    assertThat(stats.attempts()).isEqualTo(3);
    assertThat(stats.successes()).isEqualTo(3);
  }

  @Test
  void concurrentDuplicatePushesTwoCopiesAtTheSameMoment() {
    // Each copy is held until both have arrived. Sent one after the other, the first would be
    // held alone until its wait gave up, and only then would the second come.
    CountDownLatch bothArrived = new CountDownLatch(2);
    AtomicInteger metTheOther = new AtomicInteger();
    tasks
        .receiver()
        .respond(
            d -> {
              if (d.path().contains("/faults/conc-")) {
                bothArrived.countDown();
                try {
                  if (bothArrived.await(30, TimeUnit.SECONDS)) {
                    metTheOther.incrementAndGet();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return TestReceiver.Response.status(200);
            });
    try {
      QueueName queue = queue(new FaultPlan(0, 1.0, 0), RetryConfig.getDefaultInstance());
      String id = create(queue, "conc-a");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> tasks.receiver().deliveriesOf(id).size() == 2);
      await().atMost(Duration.ofSeconds(60)).until(metTheOther::get, n -> n == 2);
      assertThat(tasks.receiver().deliveriesOf(id))
          .extracting(TestReceiver.Delivery::retryCount)
          .containsExactly(0, 0);
    } finally {
      tasks.receiver().respond(x -> TestReceiver.Response.status(200));
    }
  }

  @Test
  void dropResponseRetriesATaskThatSucceeded() {
    QueueName queue =
        queue(
            new FaultPlan(0, 0, 1.0),
            RetryConfig.newBuilder()
                .setMaxAttempts(3)
                .setMinBackoff(Durations.fromMillis(100))
                .setMaxBackoff(Durations.fromMillis(100))
                .build());
    String id = create(queue, "dropped");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> tasks.receiver().deliveriesOf(id).size() == 3);
    // The receiver answered 200 each time, yet every answer was lost: retried until max attempts.
    assertThat(tasks.receiver().deliveriesOf(id))
        .extracting(TestReceiver.Delivery::retryCount)
        .containsExactly(0, 1, 2);
    assertThat(tasks.receiver().deliveriesOf(id).get(1).header("X-CloudTasks-TaskPreviousResponse"))
        .isNull();
    await()
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> tasks.client().getTask(queue + "/tasks/" + id))
                    .isInstanceOf(NotFoundException.class));
    EmulatorStats.Queue stats = tasks.emulator().stats().queues().get(queue.toString());
    assertThat(stats.responsesDropped()).isEqualTo(3);
    assertThat(stats.deletedAfterRetries()).isEqualTo(1);
  }

  @Test
  void faultsAreOffByDefaultAndCanBeSwitchedOffAgain() {
    QueueName queue = queue(FaultPlan.NONE, RetryConfig.getDefaultInstance());
    String first = create(queue, "clean");
    await().until(() -> tasks.receiver().deliveriesOf(first).size() == 1);
    tasks.emulator().faults(queue.toString(), new FaultPlan(1.0, 0, 0));
    String second = create(queue, "doubled");
    await().until(() -> tasks.receiver().deliveriesOf(second).size() == 2);
    tasks.emulator().faults(queue.toString(), FaultPlan.NONE);
    String third = create(queue, "clean-again");
    await().until(() -> tasks.receiver().deliveriesOf(third).size() == 1);
    assertThat(tasks.receiver().deliveriesOf(first)).hasSize(1);
    assertThat(tasks.emulator().stats().queues().get(queue.toString()).successes()).isEqualTo(3);
  }
}
