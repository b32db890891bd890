package dev.simrun.api.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A submit never waits for Cloud Tasks: the outbox pump creates the tasks afterwards, retries the
 * ones that failed, and picks rows up on its own timer.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DispatchTest implements TestPropertyProvider {
  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  @Inject Rows rows;
  @Inject GatedTaskQueue queue;
  Api api;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = new HashMap<>(TestStack.properties());
    p.put("test.gated-task-queue", "true");
    return p;
  }

  @BeforeAll
  void connect() {
    api = new Api(http, json);
  }

  private long outboxRows(UUID id) {
    return rows.count("SELECT count(*) FROM outbox WHERE simulation_id = '" + id + "'");
  }

  @Test
  void twoThousandChunksAreAcceptedBeforeAnyTaskExistsAndAllExistSoonAfter() {
    queue.close();
    UUID id;
    try {
      Api.Reply accepted = api.submit("ann", Api.units(2_000, 1));
      assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
      assertThat(accepted.tree().get("chunkCount").getIntValue()).isEqualTo(2_000);
      id = accepted.id();
      // CreateTask cannot have completed: the gate is shut. The 202 came anyway.
      assertThat(TestStack.taskIds(TestStack.INTERACTIVE, id)).isEmpty();
      assertThat(outboxRows(id)).isEqualTo(2_000);
    } finally {
      queue.open();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(TestStack.taskIds(TestStack.INTERACTIVE, id))
                    .containsExactlyInAnyOrderElementsOf(TestStack.chunkTaskIds(id, 2_000)));
    await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows(id), n -> n == 0);
  }

  @Test
  void tasksWhoseCreationFailedAreCreatedLaterByThePumpAlone() {
    queue.failNext(3);
    Api.Reply accepted = api.submit("ann", Api.units(10, 1));
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    UUID id = accepted.id();

    // The first drain created 7 tasks and put 3 rows back for later; no request wakes the pump
    // again, so the last 3 tasks prove its timer and its surviving the failures.
    await().atMost(Duration.ofSeconds(5)).until(queue::failed, n -> n == 3);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(TestStack.taskIds(TestStack.INTERACTIVE, id))
                    .containsExactlyInAnyOrderElementsOf(TestStack.chunkTaskIds(id, 10)));
    await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows(id), n -> n == 0);
  }
}
