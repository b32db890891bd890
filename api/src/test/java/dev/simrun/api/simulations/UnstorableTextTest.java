package dev.simrun.api.simulations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Text PostgreSQL cannot store, NUL or half a surrogate pair (valid JSON escapes both), is refused
 * with 422 naming the field, not stored and failed on with a 500; and a refusal does not echo a
 * huge value back. Found by FuzzTest.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnstorableTextTest implements TestPropertyProvider {
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

  @AfterEach
  void nothingWasStored() {
    assertThat(rows.pipeline()).as("rows in simulations + chunks + outbox").isZero();
  }

  private static String named(String nameJson) {
    String body = Api.units(8, 4);
    return body.substring(0, body.length() - 1) + ", \"name\": " + nameJson + "}";
  }

  private void assertRefused(String body, String field) {
    Api.Reply r = api.submit("ann", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(r.contentType()).isEqualTo(Api.PROBLEM_JSON);
    java.util.List<String> fields = new java.util.ArrayList<>();
    r.tree().get("errors").values().forEach(e -> fields.add(e.get("field").getStringValue()));
    assertThat(fields).as(r.toString()).contains(field);
  }

  @Test
  void aNameWithNulOrHalfASurrogatePairIsRefused() {
    assertRefused(named("\"a\\u0000b\""), "name");
    assertRefused(named("\" x\\udc00y\""), "name");
    assertRefused(named("\"x\\ud83d\""), "name");
  }

  @Test
  void paramsWithNulOrHalfASurrogatePairAreRefused() {
    assertRefused(
        "{\"kind\": \"test-units\", \"params\": {\"units\": 8, \"options\": {\"\\u0000\": 1}}}",
        "params.options");
    assertRefused(
        "{\"kind\": \"test-units\", \"params\": {\"units\": 8, \"note\": [\"ok\", \"\\ud800\"]}}",
        "params.note[1]");
  }

  @Test
  void aWholeSurrogatePairIsText() {
    Api.Reply r = api.submit("ann", named("\"\\ud83d\\ude00 \u202Eevil\""));
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    assertThat(api.get("ann", "/api/v1/simulations/" + r.id()).text("name"))
        .isEqualTo("\uD83D\uDE00 \u202Eevil");
    rows.update("DELETE FROM simulations WHERE id = '" + r.id() + "'");
  }

  @Test
  void anUnknownKindIsNotEchoedWhole() {
    String huge = "k".repeat(100_000);
    Api.Reply r = api.submit("ann", "{\"kind\": \"" + huge + "\", \"params\": {}}");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.body().length()).as("the answer to a 100,000-character kind").isLessThan(2_000);
  }
}
