package dev.simrun.emulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.LocationName;
import com.google.cloud.tasks.v2.QueueName;
import com.google.cloud.tasks.v2.Task;
import dev.simrun.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Task names are unique while the task lives and stay reserved for an hour after it is gone. */
class TaskNameTest {
  static final LocationName LOCATION = Harness.LOCATION;
  static final TestClock clock = TestClock.at(Instant.parse("2026-05-01T12:00:00Z"));

  @RegisterExtension static Harness tasks = Harness.grpc(b -> b.clock(clock));

  static QueueName queue;

  @BeforeAll
  static void connect() {
    queue = tasks.newQueue("names", q -> q);
  }

  static Task named(String id) {
    return Task.newBuilder()
        .setName(queue + "/tasks/" + id)
        .setHttpRequest(HttpRequest.newBuilder().setUrl(tasks.receiver().url("/names/" + id)))
        .build();
  }

  @Test
  void aLiveNameCannotBeUsedTwice() {
    tasks.client().pauseQueue(queue);
    try {
      tasks.client().createTask(queue, named("live"));
      assertThatThrownBy(() -> tasks.client().createTask(queue, named("live")))
          .isInstanceOf(AlreadyExistsException.class);
      assertThat(tasks.client().listTasks(queue).iterateAll())
          .filteredOn(t -> t.getName().endsWith("/live"))
          .hasSize(1);
    } finally {
      tasks.client().resumeQueue(queue);
    }
  }

  @Test
  void anExecutedTasksNameStaysReservedForAboutAnHour() {
    tasks.client().createTask(queue, named("executed"));
    await().until(() -> tasks.receiver().deliveriesOf("executed").size() == 1);
    await()
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> tasks.client().getTask(queue + "/tasks/executed"))
                    .isInstanceOf(NotFoundException.class));
    assertThatThrownBy(() -> tasks.client().createTask(queue, named("executed")))
        .isInstanceOf(AlreadyExistsException.class);
    clock.advance(Duration.ofMinutes(59));
    assertThatThrownBy(() -> tasks.client().createTask(queue, named("executed")))
        .isInstanceOf(AlreadyExistsException.class);
    clock.advance(Duration.ofMinutes(2));
    tasks.client().createTask(queue, named("executed"));
    await().until(() -> tasks.receiver().deliveriesOf("executed").size() == 2);
  }

  @Test
  void aDeletedTasksNameIsReservedToo() {
    tasks.client().pauseQueue(queue);
    try {
      tasks.client().createTask(queue, named("deleted"));
      tasks.client().deleteTask(queue + "/tasks/deleted");
      assertThatThrownBy(() -> tasks.client().createTask(queue, named("deleted")))
          .isInstanceOf(AlreadyExistsException.class);
      clock.advance(Duration.ofMinutes(61));
      assertThat(tasks.client().createTask(queue, named("deleted")).getName()).endsWith("/deleted");
    } finally {
      tasks.client().resumeQueue(queue);
    }
  }

  @Test
  void theReservationPeriodIsConfigurable() {
    try (CloudTasksEmulator shortLived =
            CloudTasksEmulator.builder()
                .clock(clock)
                .taskNameReservation(Duration.ofSeconds(5))
                .queue(queue.toString())
                .start();
        CloudTasksClient c = Clients.grpc(shortLived)) {
      c.pauseQueue(queue);
      c.createTask(queue, named("short"));
      c.deleteTask(queue + "/tasks/short");
      assertThatThrownBy(() -> c.createTask(queue, named("short")))
          .isInstanceOf(AlreadyExistsException.class);
      clock.advance(Duration.ofSeconds(6));
      assertThat(c.createTask(queue, named("short")).getName()).endsWith("/short");
    }
  }
}
