package dev.simrun.emulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.LocationName;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.QueueName;
import com.google.cloud.tasks.v2.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Task names are unique while the task lives and stay reserved for an hour after it is gone. */
class TaskNameTest {
  static final LocationName LOCATION = LocationName.of("simrun-test", "local");
  static final ManualClock clock = new ManualClock(Instant.parse("2026-05-01T12:00:00Z"));

  @RegisterExtension
  static CloudTasksEmulatorExtension tasks = new CloudTasksEmulatorExtension(b -> b.clock(clock));

  static CloudTasksClient client;
  static TestReceiver receiver;
  static QueueName queue;

  @BeforeAll
  static void connect() {
    client = Clients.grpc(tasks.emulator());
    receiver = TestReceiver.start();
    queue = QueueName.of("simrun-test", "local", "names-" + UUID.randomUUID());
    client.createQueue(LOCATION, Queue.newBuilder().setName(queue.toString()).build());
  }

  @AfterAll
  static void disconnect() {
    client.close();
    receiver.close();
  }

  static Task named(String id) {
    return Task.newBuilder()
        .setName(queue + "/tasks/" + id)
        .setHttpRequest(HttpRequest.newBuilder().setUrl(receiver.url("/names/" + id)))
        .build();
  }

  @Test
  void aLiveNameCannotBeUsedTwice() {
    client.pauseQueue(queue);
    try {
      client.createTask(queue, named("live"));
      assertThatThrownBy(() -> client.createTask(queue, named("live")))
          .isInstanceOf(AlreadyExistsException.class);
      assertThat(client.listTasks(queue).iterateAll())
          .filteredOn(t -> t.getName().endsWith("/live"))
          .hasSize(1);
    } finally {
      client.resumeQueue(queue);
    }
  }

  @Test
  void anExecutedTasksNameStaysReservedForAboutAnHour() {
    client.createTask(queue, named("executed"));
    await().until(() -> receiver.deliveriesOf("executed").size() == 1);
    await()
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> client.getTask(queue + "/tasks/executed"))
                    .isInstanceOf(NotFoundException.class));
    assertThatThrownBy(() -> client.createTask(queue, named("executed")))
        .isInstanceOf(AlreadyExistsException.class);
    clock.advance(Duration.ofMinutes(59));
    assertThatThrownBy(() -> client.createTask(queue, named("executed")))
        .isInstanceOf(AlreadyExistsException.class);
    clock.advance(Duration.ofMinutes(2));
    client.createTask(queue, named("executed"));
    await().until(() -> receiver.deliveriesOf("executed").size() == 2);
  }

  @Test
  void aDeletedTasksNameIsReservedToo() {
    client.pauseQueue(queue);
    try {
      client.createTask(queue, named("deleted"));
      client.deleteTask(queue + "/tasks/deleted");
      assertThatThrownBy(() -> client.createTask(queue, named("deleted")))
          .isInstanceOf(AlreadyExistsException.class);
      clock.advance(Duration.ofMinutes(61));
      assertThat(client.createTask(queue, named("deleted")).getName()).endsWith("/deleted");
    } finally {
      client.resumeQueue(queue);
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
