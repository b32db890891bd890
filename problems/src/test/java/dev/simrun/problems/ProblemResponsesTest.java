package dev.simrun.problems;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The mapping both services share, on a server of its own: the base handlers and Micronaut's own
 * errors all answer {@code application/problem+json} with a stable type; the policy decides only
 * whether a 503 carries {@code Retry-After}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProblemResponsesTest {
  static final String PROBLEM_JSON = "application/problem+json";
  static final String TYPES = "https://simrun.dev/problems/";

  final HttpClient http = HttpClient.newHttpClient();
  EmbeddedServer server;
  JsonMapper json;

  @BeforeAll
  void start() {
    server =
        ApplicationContext.run(
            EmbeddedServer.class, Map.of("micronaut.server.port", "-1", "probe.retry-after", "5s"));
    json = server.getApplicationContext().getBean(JsonMapper.class);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aCursorNoPageHandedOutIsAnInvalidParameterNamingIt() {
    Reply reply = get(server, "/probe/pages?cursor=bm90LWEtY3Vyc29y");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.contentType()).isEqualTo(PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo(TYPES + "invalid-parameter");
    assertThat(reply.text("detail")).isEqualTo("cursor: is not a cursor this service handed out");
    assertThat(reply.fields()).containsExactly("cursor");
    assertThat(reply.text("instance")).isEqualTo("/probe/pages");
  }

  @Test
  void anEnumParameterTakesAnyCaseAndAnUnknownValueListsTheValues() {
    assertThat(get(server, "/probe/colours?colour=red&limit=1").body()).isEqualTo("RED 1");
    assertThat(get(server, "/probe/colours?colour=DARK_BLUE&limit=1").body())
        .isEqualTo("DARK_BLUE 1");

    Reply reply = get(server, "/probe/colours?colour=green&limit=1");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.contentType()).isEqualTo(PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo(TYPES + "invalid-parameter");
    assertThat(reply.text("detail")).isEqualTo("colour: must be one of [RED, DARK_BLUE]");
    assertThat(reply.fields()).containsExactly("colour");
  }

  @Test
  void anUnparseableOrOutOfRangeParameterIsAnInvalidParameterNamingIt() {
    Reply text = get(server, "/probe/colours?limit=ten");
    assertThat(text.status()).isEqualTo(400);
    assertThat(text.text("type")).isEqualTo(TYPES + "invalid-parameter");
    assertThat(text.text("detail")).isEqualTo("limit: 'ten' is not a valid int");
    assertThat(text.fields()).containsExactly("limit");

    Reply range = get(server, "/probe/colours?limit=10");
    assertThat(range.status()).isEqualTo(400);
    assertThat(range.text("type")).isEqualTo(TYPES + "invalid-parameter");
    assertThat(range.fields()).containsExactly("limit");

    Reply missing = get(server, "/probe/colours");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.contentType()).isEqualTo(PROBLEM_JSON);
    assertThat(missing.text("detail")).contains("limit");
  }

  @Test
  void aRefusedAdmissionIsOverLimitWithItsRetryAfter() {
    Reply reply =
        send(server, HttpRequest.newBuilder(uri(server, "/probe/admission")).POST(none()));
    assertThat(reply.status()).isEqualTo(429);
    assertThat(reply.contentType()).isEqualTo(PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo(TYPES + "over-limit");
    assertThat(reply.text("detail")).isEqualTo("3 simulations are active; at most 3 may be");
    assertThat(reply.header("Retry-After")).isEqualTo("30");
  }

  @Test
  void aProblemExceptionAnswersItsTypeAndRetryAfterInWholeSeconds() {
    Reply reply = get(server, "/probe/problem");
    assertThat(reply.status()).isEqualTo(429);
    assertThat(reply.text("type")).isEqualTo(TYPES + "over-limit");
    assertThat(reply.text("title")).isEqualTo("Too much work queued");
    assertThat(reply.tree().get("status").getIntValue()).isEqualTo(429);
    assertThat(reply.text("detail")).isEqualTo("this instance is busy");
    assertThat(reply.tree().get("errors")).isNull();
    assertThat(reply.header("Retry-After")).isEqualTo("7");
  }

  @Test
  void aDatabaseOutageIsA503WithThePolicysRetryAfter() {
    Reply reply = get(server, "/probe/database");
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.contentType()).isEqualTo(PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo(TYPES + "database-unavailable");
    assertThat(reply.text("detail")).isEqualTo("the database cannot be reached");
    assertThat(reply.header("Retry-After")).isEqualTo("5");
  }

  @Test
  void withoutARetryAfterInThePolicyA503CarriesNone() {
    try (EmbeddedServer plain =
        ApplicationContext.run(EmbeddedServer.class, Map.of("micronaut.server.port", "-1"))) {
      Reply reply = get(plain, "/probe/database");
      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.text("type")).isEqualTo(TYPES + "database-unavailable");
      assertThat(reply.header("Retry-After")).isNull();
      assertThat(get(plain, "/probe/problem").header("Retry-After")).isEqualTo("7");
    }
  }

  @Test
  void micronautsOwnErrorsAreProblemsToo() {
    Reply unknown = get(server, "/probe/nothing-here");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).isEqualTo(PROBLEM_JSON);
    assertThat(unknown.text("type")).isEqualTo(TYPES + "not-found");
    assertThat(unknown.text("detail")).isEqualTo("nothing answers GET /probe/nothing-here");

    Reply method = send(server, HttpRequest.newBuilder(uri(server, "/probe/problem")).DELETE());
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.contentType()).isEqualTo(PROBLEM_JSON);
    assertThat(method.text("type")).isEqualTo(TYPES + "method-not-allowed");

    Reply media =
        send(
            server,
            HttpRequest.newBuilder(uri(server, "/probe/things"))
                .header("Content-Type", "text/plain")
                .POST(BodyPublishers.ofString("hello")));
    assertThat(media.status()).isEqualTo(415);
    assertThat(media.contentType()).isEqualTo(PROBLEM_JSON);
    assertThat(media.text("type")).isEqualTo(TYPES + "unsupported-media-type");
  }

  @Test
  void badJsonIsAMalformedBodyNamingWhereItWentWrong() {
    Reply syntax = postJson(server, "/probe/things", "{\"name\": ");
    assertThat(syntax.status()).isEqualTo(400);
    assertThat(syntax.contentType()).isEqualTo(PROBLEM_JSON);
    assertThat(syntax.text("type")).isEqualTo(TYPES + "malformed-body");
    assertThat(syntax.fields()).containsExactly("body");

    Reply field = postJson(server, "/probe/things", "{\"name\": \"a\", \"sizes\": [1, \"x\"]}");
    assertThat(field.status()).isEqualTo(400);
    assertThat(field.text("type")).isEqualTo(TYPES + "malformed-body");
    assertThat(field.fields()).containsExactly("sizes[1]");
  }

  @Test
  void anUnexpectedFailureIsAnInternalProblemThatTellsNoSecrets() {
    Reply reply = get(server, "/probe/boom");
    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.contentType()).isEqualTo(PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo(TYPES + "internal");
    assertThat(reply.body()).doesNotContain("secret");
  }

  @Test
  void aHeadRequestGetsTheStatusWithoutABody() {
    Reply reply =
        send(
            server,
            HttpRequest.newBuilder(uri(server, "/probe/database"))
                .method("HEAD", BodyPublishers.noBody()));
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.body()).isEmpty();
  }

  record Reply(HttpResponse<String> response, JsonMapper json) {
    int status() {
      return response.statusCode();
    }

    String body() {
      return response.body();
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    String contentType() {
      return header("Content-Type");
    }

    JsonNode tree() {
      try {
        return json.readValue(body(), JsonNode.class);
      } catch (IOException e) {
        throw new UncheckedIOException(body(), e);
      }
    }

    String text(String field) {
      JsonNode node = tree().get(field);
      return node == null ? null : node.getStringValue();
    }

    List<String> fields() {
      List<String> fields = new ArrayList<>();
      for (JsonNode e : tree().get("errors").values()) {
        fields.add(e.get("field").getStringValue());
      }
      return fields;
    }
  }

  Reply get(EmbeddedServer on, String path) {
    return send(on, HttpRequest.newBuilder(uri(on, path)).GET());
  }

  Reply postJson(EmbeddedServer on, String path, String body) {
    return send(
        on,
        HttpRequest.newBuilder(uri(on, path))
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(body)));
  }

  Reply send(EmbeddedServer on, HttpRequest.Builder request) {
    try {
      return new Reply(http.send(request.build(), BodyHandlers.ofString()), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static URI uri(EmbeddedServer on, String path) {
    return on.getURI().resolve(path);
  }

  static HttpRequest.BodyPublisher none() {
    return BodyPublishers.noBody();
  }
}
