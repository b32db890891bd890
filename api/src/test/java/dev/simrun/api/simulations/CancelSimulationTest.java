package dev.simrun.api.simulations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /api/v1/simulations/{id}/cancel} over real HTTP. The queues are paused, so every
 * chunk is still pending: the cancel ends the simulation at once and deletes its tasks.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancelSimulationTest implements TestPropertyProvider {
  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  @Inject Rows rows;
  Api api;

  @Override
  public Map<String, String> getProperties() {
    return TestStack.properties();
  }

  @BeforeAll
  void connect() {
    api = new Api(http, json);
  }

  Api.Reply cancel(String owner, UUID id) {
    return api.exchange(
        HttpRequest.POST("/api/v1/simulations/" + id + "/cancel", "")
            .contentType(MediaType.APPLICATION_JSON)
            .header(Api.AUTH, Api.bearer(owner)));
  }

  @Test
  void aQueuedSimulationIsCancelledAtOnceAndItsTasksAreDeleted() {
    UUID id = api.submit("ann", Api.units(30, 3)).id();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> TestStack.taskIds(TestStack.INTERACTIVE, id).size() == 10);

    Api.Reply cancelled = cancel("ann", id);
    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(202);
    assertThat(cancelled.text("status")).isEqualTo("CANCELLED");
    assertThat(cancelled.tree().get("chunks").get("cancelled").getIntValue()).isEqualTo(10);
    assertThat(cancelled.text("finishedAt")).isNotNull();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> TestStack.taskIds(TestStack.INTERACTIVE, id).isEmpty());
    assertThat(rows.count("SELECT count(*) FROM outbox WHERE simulation_id = '" + id + "'"))
        .isZero();
    assertThat(
            rows.count(
                "SELECT count(*) FROM simulation_events WHERE simulation_id = '"
                    + id
                    + "' AND type = 'simulation.cancelled'"))
        .isEqualTo(1);

    Api.Reply again = cancel("ann", id);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.contentType()).startsWith(Api.PROBLEM_JSON);
    assertThat(again.text("type")).endsWith("/already-finished");
    assertThat(again.text("detail")).contains("CANCELLED");
  }

  @Test
  void anotherOwnersOrAnUnknownSimulationIsNotFoundAndUntouched() {
    UUID id = api.submit("bob", Api.units(4, 2)).id();
    assertThat(cancel("mallory", id).status()).isEqualTo(404);
    assertThat(cancel("bob", UUID.randomUUID()).status()).isEqualTo(404);
    assertThat(api.get("bob", "/api/v1/simulations/" + id).text("status")).isEqualTo("QUEUED");
  }
}
