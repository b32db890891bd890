package dev.simrun.api.simulations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.tasks.v2.Task;
import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A request's trace travels with its simulations (decision 0036): a submit's traceparent, or a
 * Cloud Scheduler trigger's, is continued by the api's server span, stored with the simulation, and
 * sent as the traceparent header of every task the outbox creates for it.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TraceContextTest implements TestPropertyProvider {
  static final String CALLER_SPAN = "b7ad6b7169203331";

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

  static String traceId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  String storedTraceparent(UUID simulation) {
    return rows.text("SELECT traceparent FROM simulations WHERE id = '" + simulation + "'");
  }

  /** The traceparent header of each of the simulation's tasks, once the pump created them. */
  void assertTasksCarry(String queue, UUID simulation, int chunks, String traceparent) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> TestStack.taskIds(queue, simulation).size() == chunks);
    for (String id : TestStack.taskIds(queue, simulation)) {
      Task task = TestStack.task(queue, id);
      assertThat(task.getHttpRequest().getHeadersMap())
          .as("headers of task %s", id)
          .containsEntry("traceparent", traceparent);
    }
  }

  @Test
  void aSubmitsTraceparentIsContinuedStoredAndSentWithEachTask() {
    String trace = traceId();
    MutableHttpRequest<String> submit =
        api.post("ann", Api.units(30, 10))
            .header("traceparent", "00-" + trace + "-" + CALLER_SPAN + "-01")
            .header("tracestate", "vendor=x");
    Api.Reply accepted = api.exchange(submit);
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    UUID id = accepted.id();

    String stored = storedTraceparent(id);
    assertThat(stored)
        .as("the api's server span: the caller's trace, a span of its own, sampled")
        .matches("00-" + trace + "-[0-9a-f]{16}-01")
        .doesNotContain(CALLER_SPAN);
    assertThat(rows.text("SELECT tracestate FROM simulations WHERE id = '" + id + "'"))
        .isEqualTo("vendor=x");
    assertTasksCarry(TestStack.INTERACTIVE, id, 3, stored);
  }

  @Test
  void anUntracedSubmitStartsATraceOfItsOwn() {
    Api.Reply accepted = api.submit("ann", Api.units(10, 10));
    assertThat(accepted.status()).isEqualTo(202);
    String stored = storedTraceparent(accepted.id());
    assertThat(stored).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    assertTasksCarry(TestStack.INTERACTIVE, accepted.id(), 1, stored);
  }

  @Test
  void aSchedulerTriggersTraceparentReachesItsSimulationsTasks() {
    String name = "traced-" + UUID.randomUUID().toString().substring(0, 6);
    MutableHttpRequest<String> define =
        HttpRequest.PUT(
                "/api/v1/batches/" + name,
                "{\"simulations\": [" + Api.units(20, 10) + ", " + Api.units(10, 10) + "]}")
            .contentType(MediaType.APPLICATION_JSON);
    Api.Reply defined = api.exchange(define.header(Api.AUTH, Api.operatorBearer("olga")));
    assertThat(defined.status()).as(defined.toString()).isIn(200, 201);

    String trace = traceId();
    MutableHttpRequest<String> trigger =
        HttpRequest.POST("/internal/v1/batches/" + name + "/runs", "{}")
            .contentType(MediaType.APPLICATION_JSON)
            .header("X-CloudScheduler", "true")
            .header("X-CloudScheduler-ScheduleTime", Instant.now().toString())
            .header("traceparent", "00-" + trace + "-" + CALLER_SPAN + "-01")
            .header(
                Api.AUTH,
                "Bearer "
                    + TestStack.serviceToken(
                        TestStack.SCHEDULER_ACCOUNT, TestStack.SCHEDULER_AUDIENCE));
    Api.Reply started = api.exchange(trigger);
    assertThat(started.status()).as(started.toString()).isEqualTo(202);

    String runSimulations =
        "FROM simulations s JOIN batch_runs r ON r.id = s.batch_run_id WHERE r.batch_name = '"
            + name
            + "'";
    assertThat(rows.count("SELECT count(*) " + runSimulations)).isEqualTo(2);
    assertThat(
            rows.count(
                "SELECT count(*) "
                    + runSimulations
                    + " AND s.traceparent LIKE '00-"
                    + trace
                    + "-%'"))
        .as("both simulations of the run carry the trigger's trace")
        .isEqualTo(2);
    String first = rows.text("SELECT s.id::text " + runSimulations + " AND s.chunk_count = 2");
    UUID simulation = UUID.fromString(first);
    assertTasksCarry(TestStack.BATCH, simulation, 2, storedTraceparent(simulation));
  }
}
