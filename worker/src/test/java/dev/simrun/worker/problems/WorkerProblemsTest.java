package dev.simrun.worker.problems;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.worker.testing.WorkerHarness;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The worker answers with the same problem+json mapping as the api: a database outage is a 503 that
 * leaves pacing to Cloud Tasks (no {@code Retry-After}), an invalid cursor a 400 naming it, an
 * unknown route a 404 and an unexpected failure a 500 that tells no secrets.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerProblemsTest implements TestPropertyProvider {
  static final String PROBLEM_JSON = "application/problem+json";
  static final String TYPES = "https://simrun.dev/problems/";

  final HttpClient http = HttpClient.newHttpClient();
  WorkerHarness tasks;

  @Override
  public Map<String, String> getProperties() {
    tasks = WorkerHarness.start();
    return tasks.properties();
  }

  @AfterAll
  void stop() {
    tasks.close();
  }

  @Test
  void aDatabaseOutageIsA503ProblemWithoutRetryAfter() {
    HttpResponse<String> r = get("/test/fail/database");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Content-Type")).hasValue(PROBLEM_JSON);
    assertThat(r.body())
        .contains(TYPES + "database-unavailable")
        .contains("the database cannot be reached; nothing was changed");
    assertThat(r.headers().firstValue("Retry-After"))
        .as("Cloud Tasks paces the retries with the queue's backoff")
        .isEmpty();
  }

  @Test
  void anInvalidCursorIsABadRequestNamingIt() {
    HttpResponse<String> r = get("/test/fail/cursor?cursor=nope");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue(PROBLEM_JSON);
    assertThat(r.body())
        .contains(TYPES + "invalid-parameter")
        .contains("\"field\":\"cursor\"")
        .contains("is not a cursor this service handed out");
  }

  @Test
  void anUnknownRouteIsANotFoundProblem() {
    HttpResponse<String> r = get("/nothing-here");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).hasValue(PROBLEM_JSON);
    assertThat(r.body()).contains(TYPES + "not-found");
  }

  @Test
  void anUnexpectedFailureIsAnInternalProblemThatTellsNoSecrets() {
    HttpResponse<String> r = get("/test/fail/boom");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.headers().firstValue("Content-Type")).hasValue(PROBLEM_JSON);
    assertThat(r.body()).contains(TYPES + "internal").doesNotContain("secret");
  }

  HttpResponse<String> get(String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(tasks.workerUrl() + path)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
