package dev.simrun.api.problems;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Micronaut's own errors come out as problems too, and /health reports the database. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProblemsTest implements TestPropertyProvider {
  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  Api api;

  @Override
  public Map<String, String> getProperties() {
    return TestStack.properties();
  }

  @BeforeAll
  void connect() {
    api = new Api(http, json);
  }

  @Test
  void anUnknownRouteIsANotFoundProblem() {
    Api.Reply reply = api.get("ann", "/api/v1/nothing-here");
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo("https://simrun.dev/problems/not-found");
    assertThat(reply.text("title")).isEqualTo("Not found");
    assertThat(reply.tree().get("status").getIntValue()).isEqualTo(404);
    assertThat(reply.text("detail")).isEqualTo("nothing answers GET /api/v1/nothing-here");
    assertThat(reply.text("instance")).isEqualTo("/api/v1/nothing-here");
  }

  @Test
  void aBrowserAskingForHtmlStillGetsAProblem() {
    Api.Reply reply =
        api.exchange(
            HttpRequest.GET("/api/v1/nothing-here")
                .accept(MediaType.TEXT_HTML_TYPE)
                .header(Api.AUTH, Api.bearer("ann")));
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.contentType()).isEqualTo(Api.PROBLEM_JSON);
  }

  @Test
  void aWrongMethodIsAMethodNotAllowedProblemListingTheAllowedOnes() {
    Api.Reply reply =
        api.exchange(HttpRequest.DELETE("/api/v1/simulations").header(Api.AUTH, Api.bearer("ann")));
    assertThat(reply.status()).isEqualTo(405);
    assertThat(reply.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo("https://simrun.dev/problems/method-not-allowed");
    assertThat(reply.headers().get(HttpHeaders.ALLOW)).contains("GET").contains("POST");
  }

  @Test
  void anUnexpectedFailureIsAnInternalProblemThatTellsNoSecrets() {
    Api.Reply reply = api.get("ann", "/test/boom");
    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo("https://simrun.dev/problems/internal");
    assertThat(reply.body()).doesNotContain("secret");
  }

  @Test
  void healthIsUpWithTheDatabase() {
    Api.Reply reply = api.get(null, "/health");
    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    assertThat(reply.text("status")).isEqualTo("UP");
    assertThat(reply.tree().get("details").get("jdbc").get("status").getStringValue())
        .isEqualTo("UP");
  }
}
