package dev.simrun.worker.auth;

import static dev.simrun.worker.testing.WorkerHarness.ACCOUNT;
import static dev.simrun.worker.testing.WorkerHarness.OTHER_ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.worker.testing.Rows;
import dev.simrun.worker.testing.Simulations;
import dev.simrun.worker.testing.SumKind;
import dev.simrun.worker.testing.WorkerHarness;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Pushes to {@code /tasks/**} without a token, with the emulator's genuine tokens for the wrong
 * audience or the wrong account, and with a forged one: each is refused before anything runs, and
 * no row changes.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskAuthFilterTest implements TestPropertyProvider {
  WorkerHarness tasks;
  UUID simulation;
  String chunkTask;
  String finalizeTask;

  @Inject Simulations simulations;
  @Inject Rows rows;

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start();
    return tasks.properties();
  }

  @BeforeAll
  void aPendingSimulation() {
    simulation = simulations.create(SumKind.Params.of(10, 10));
    chunkTask = Simulations.chunkTask(simulation, 0, 0);
    finalizeTask = Simulations.finalizeTask(simulation);
  }

  @AfterAll
  void stop() {
    tasks.close();
  }

  void assertRefusedWithoutEffect(String token, int status, String type) {
    List<String> before = rows.snapshot(simulation);
    for (String[] push :
        List.of(
            new String[] {"/tasks/v1/chunks", chunkTask},
            new String[] {"/tasks/v1/finalize", finalizeTask})) {
      HttpResponse<String> r = tasks.post(push[0], push[1], token);
      assertThat(r.statusCode()).as(push[0] + ": " + r.body()).isEqualTo(status);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(r.body()).contains("https://simrun.dev/problems/" + type);
    }
    assertThat(rows.snapshot(simulation)).as("no row changed").isEqualTo(before);
    assertThat(rows.chunk(simulation, 0).attempt()).as("never claimed").isZero();
  }

  @Test
  void withoutATokenThePushIsUnauthenticated() {
    assertRefusedWithoutEffect(null, 401, "unauthenticated");
    assertThat(
            tasks
                .post("/tasks/v1/chunks", chunkTask, null)
                .headers()
                .firstValue("WWW-Authenticate"))
        .hasValue("Bearer");
  }

  @Test
  void aTokenForAnotherAudienceIsUnauthenticated() {
    String token = tasks.token("https://someone-else.example", ACCOUNT);
    assertRefusedWithoutEffect(token, 401, "unauthenticated");
    assertThat(
            tasks
                .post("/tasks/v1/chunks", chunkTask, token)
                .headers()
                .firstValue("WWW-Authenticate"))
        .hasValue("Bearer error=\"invalid_token\"");
  }

  @Test
  void aForgedOrTamperedTokenIsUnauthenticated() {
    assertRefusedWithoutEffect("not-a-jwt", 401, "unauthenticated");
    String genuine = tasks.token();
    String[] parts = genuine.split("\\.");
    String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
    assertRefusedWithoutEffect(tampered, 401, "unauthenticated");
  }

  @Test
  void aGenuineTokenOfAnotherAccountIsForbidden() {
    assertRefusedWithoutEffect(tasks.token(tasks.workerUrl(), OTHER_ACCOUNT), 403, "forbidden");
  }

  @Test
  void theTasksAccountsTokenGetsThrough() {
    UUID other = simulations.create(SumKind.Params.of(10, 10));
    HttpResponse<String> r =
        tasks.post("/tasks/v1/chunks", Simulations.chunkTask(other, 0, 0), tasks.token());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("committed");
  }

  @Test
  void healthNeedsNoToken() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(tasks.workerUrl() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }
}
