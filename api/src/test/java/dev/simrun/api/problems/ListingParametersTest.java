package dev.simrun.api.problems;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.TestStack;
import dev.simrun.shared.deadletters.DeadLetterStatus;
import dev.simrun.shared.simulations.SimulationStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The listing routes leave their bad parameters to the one mapping: a cursor no page handed out and
 * a status that is not one are each a 400 naming the parameter, the same on every route.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListingParametersTest implements TestPropertyProvider {
  static final String PROBLEMS = "https://simrun.dev/problems/";

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

  @ParameterizedTest(name = "{0}?cursor={1}")
  @CsvSource({
    "/api/v1/simulations, nope",
    "/api/v1/simulations, bm90LWEtY3Vyc29y",
    "/api/v1/dead-letters, nope",
    "/api/v1/dead-letters, bm90LWEtY3Vyc29y",
    "/api/v1/datasets, nope",
    "/api/v1/datasets, bm90LWEtY3Vyc29y",
  })
  void aCursorNoPageHandedOutIsABadRequestOnEveryListingRoute(String route, String cursor) {
    Api.Reply reply = api.get("ann", route + "?cursor=" + cursor);
    assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
    assertThat(reply.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo(PROBLEMS + "invalid-parameter");
    assertThat(reply.text("detail")).isEqualTo("cursor: is not a cursor this service handed out");
    assertThat(reply.text("instance")).isEqualTo(route);
    assertThat(fields(reply)).containsExactly("cursor");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/api/v1/simulations", "/api/v1/dead-letters"})
  void anUnknownStatusIsABadRequestListingTheStatuses(String route) {
    String statuses =
        Arrays.toString(
            route.endsWith("simulations") ? SimulationStatus.values() : DeadLetterStatus.values());
    Api.Reply reply = api.get("ann", route + "?status=LOST");
    assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
    assertThat(reply.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo(PROBLEMS + "invalid-parameter");
    assertThat(reply.text("detail")).isEqualTo("status: must be one of " + statuses);
    assertThat(fields(reply)).containsExactly("status");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "/api/v1/simulations?status=running",
    "/api/v1/simulations?status=Partial",
    "/api/v1/dead-letters?status=open",
    "/api/v1/dead-letters?status=REPLAYED",
  })
  void aStatusInAnyCaseIsAccepted(String uri) {
    Api.Reply reply = api.get("ann", uri);
    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
  }

  private static List<String> fields(Api.Reply problem) {
    List<String> fields = new ArrayList<>();
    for (JsonNode e : problem.tree().get("errors").values()) {
      fields.add(e.get("field").getStringValue());
    }
    return fields;
  }
}
