package dev.simrun.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.testing.TestStack;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the shell tells the sign-in page what to offer, and what its Content-Security-Policy lets the
 * page connect to: with Identity Platform's web API key, email and password (the key and the
 * toolkit's URL in the shell, {@code connect-src} exactly this origin and the toolkit's); without
 * it, the development sign-in where it exists, else the identity provider's words and this origin
 * only. And the path the page takes, without a browser: an ID token from the toolkit (here the
 * development issuer's) becomes a session whose {@code /api/v1/me} is that email.
 */
class ConsolePasswordSignInTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String KEY = "AIzaSyTest-Key_0123456789abcdefghijklm";

  private static EmbeddedServer start(Map<String, String> changes) {
    Map<String, Object> p = new HashMap<>(TestStack.properties());
    changes.forEach(
        (k, v) -> {
          if (v == null) {
            p.remove(k);
          } else {
            p.put(k, v);
          }
        });
    return ApplicationContext.run(EmbeddedServer.class, p);
  }

  private static HttpResponse<String> send(HttpRequest.Builder r) {
    try {
      return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> get(EmbeddedServer server, String path) {
    return send(HttpRequest.newBuilder(URI.create(server.getURL() + path)));
  }

  /** The sources of one directive of the policy, e.g. connect-src: ['self', origin]. */
  private static List<String> directive(HttpResponse<String> r, String name) {
    String policy = r.headers().firstValue("Content-Security-Policy").orElseThrow();
    return Arrays.stream(policy.split(";"))
        .map(String::strip)
        .filter(d -> d.startsWith(name + " "))
        .map(d -> List.of(d.substring(name.length() + 1).strip().split("\\s+")))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void withAWebApiKeyTheShellOffersPasswordSignInAndThePolicyAllowsOnlyTheToolkit() {
    try (EmbeddedServer server =
        start(
            Map.of(
                "simrun.identity.web.api-key",
                KEY,
                "simrun.identity.web.toolkit-url",
                "http://127.0.0.1:9099/identitytoolkit.googleapis.com/"))) {
      for (String path : List.of("/", "/sign-in")) {
        HttpResponse<String> r = get(server, path);
        assertThat(r.body())
            .contains(
                "data-sign-in=\"password\"",
                "data-api-key=\"" + KEY + "\"",
                "data-toolkit-url=\"http://127.0.0.1:9099/identitytoolkit.googleapis.com\"");
        assertThat(directive(r, "connect-src")).containsExactly("'self'", "http://127.0.0.1:9099");
        assertThat(directive(r, "script-src")).containsExactly("'self'");
        assertThat(directive(r, "form-action")).containsExactly("'self'");
      }
    }
  }

  @Test
  void googlesToolkitIsTheDefault() {
    try (EmbeddedServer server =
        start(
            Map.of(
                "simrun.identity.web.api-key", KEY, "simrun.identity.development-sign-in", ""))) {
      HttpResponse<String> r = get(server, "/sign-in");
      assertThat(r.body())
          .contains(
              "data-sign-in=\"password\"",
              "data-toolkit-url=\"https://identitytoolkit.googleapis.com\"");
      assertThat(directive(r, "connect-src"))
          .containsExactly("'self'", "https://identitytoolkit.googleapis.com");
    }
  }

  @Test
  void withNeitherKeyNorDevelopmentSignInTheProviderSignsPeopleIn() {
    Map<String, String> changes = new HashMap<>();
    changes.put("simrun.identity.development-sign-in", null);
    try (EmbeddedServer server = start(changes)) {
      HttpResponse<String> r = get(server, "/sign-in");
      assertThat(r.body())
          .contains("data-sign-in=\"provider\"", "data-api-key=\"\"", "data-toolkit-url=\"\"");
      assertThat(directive(r, "connect-src")).containsExactly("'self'");
    }
  }

  @Test
  void anIdTokenFromTheToolkitBecomesTheSessionOfThatEmail() throws Exception {
    String toolkit = TestStack.toolkitUrl();
    try (EmbeddedServer server =
        start(
            Map.of(
                "simrun.identity.web.api-key", KEY,
                "simrun.identity.web.toolkit-url", toolkit))) {
      JsonMapper json = server.getApplicationContext().getBean(JsonMapper.class);
      String account =
          "{\"email\": \"fay@example.com\", \"password\": \"fay-password\","
              + " \"returnSecureToken\": true}";
      for (String method : List.of("signUp", "signInWithPassword")) {
        HttpResponse<String> r =
            send(
                HttpRequest.newBuilder(
                        URI.create(toolkit + "/v1/accounts:" + method + "?key=" + KEY))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(account)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        if (method.equals("signUp")) {
          continue;
        }
        String idToken = json.readValue(r.body(), JsonNode.class).get("idToken").getStringValue();
        HttpResponse<String> session =
            send(
                HttpRequest.newBuilder(URI.create(server.getURL() + "/api/v1/session"))
                    .header("Authorization", "Bearer " + idToken)
                    .header("X-SimRun-CSRF", "1")
                    .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        String cookie = session.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("simrun_session=").containsIgnoringCase("HttpOnly");
        HttpResponse<String> me =
            send(
                HttpRequest.newBuilder(URI.create(server.getURL() + "/api/v1/me"))
                    .header("Cookie", cookie.substring(0, cookie.indexOf(';'))));
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        JsonNode who = json.readValue(me.body(), JsonNode.class);
        assertThat(who.get("email").getStringValue()).isEqualTo("fay@example.com");
        assertThat(who.get("operator").getBooleanValue()).isFalse();
      }
    }
  }
}
