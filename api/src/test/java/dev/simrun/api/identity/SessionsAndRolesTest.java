package dev.simrun.api.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.SseClient;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Operators and browser sessions over real HTTP with tokens signed by the development issuer: who
 * is an operator (claim, owner allow-list, verified email), the session cookie a browser signs in
 * with, and the CSRF checks on what that cookie may change.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionsAndRolesTest implements TestPropertyProvider {
  private static final String PROBLEMS = "https://simrun.dev/problems/";
  private static final String OPERATOR_ROUTE = "/api/v1/admin/dead-letters";

  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  @Inject Rows rows;
  @Inject io.micronaut.runtime.server.EmbeddedServer server;
  Api api;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = new HashMap<>(TestStack.properties());
    p.put("simrun.identity.operators.owners", Api.owner("olivia"));
    p.put("simrun.identity.operators.emails", "Ops@Example.com");
    return p;
  }

  @BeforeAll
  void connect() {
    api = new Api(http, json);
  }

  private static String withEmail(String user, String email, Object verified) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> c = new HashMap<>();
    c.put("iss", TestStack.issuer());
    c.put("aud", TestStack.devAudience());
    c.put("sub", user);
    c.put("iat", now);
    c.put("exp", now + 3600);
    c.put("email", email);
    if (verified != null) {
      c.put("email_verified", verified);
    }
    return "Bearer " + TestStack.signedToken(c);
  }

  private Api.Reply as(String authorization, MutableHttpRequest<?> request) {
    return api.exchange(request.header(HttpHeaders.AUTHORIZATION, authorization));
  }

  @Test
  void meSaysWhoTheCallerIsAndWhetherTheyAreAnOperator() {
    Api.Reply ann = api.get("ann", "/api/v1/me");
    assertThat(ann.status()).as(ann.toString()).isEqualTo(200);
    assertThat(ann.text("owner")).isEqualTo(Api.owner("ann"));
    assertThat(ann.text("operator")).isEqualTo("false");
    assertThat(as(Api.operatorBearer("olga"), HttpRequest.GET("/api/v1/me")).text("operator"))
        .isEqualTo("true");
    assertThat(api.exchange(HttpRequest.GET("/api/v1/me")).status()).isEqualTo(401);
  }

  @Test
  void anOperatorIsNamedByTheRoleClaimAnAllowListedOwnerOrAVerifiedEmail() {
    assertThat(as(Api.operatorBearer("olga"), HttpRequest.GET(OPERATOR_ROUTE)).status())
        .isEqualTo(200);
    assertThat(as(Api.bearer("olivia"), HttpRequest.GET(OPERATOR_ROUTE)).status()).isEqualTo(200);
    assertThat(
            as(withEmail("oscar", "ops@example.com", true), HttpRequest.GET(OPERATOR_ROUTE))
                .status())
        .isEqualTo(200);

    // Not operators: another role, an unverified or missing email_verified, another email.
    for (String who :
        List.of(
            "Bearer " + TestStack.userToken("rita", "admin"),
            withEmail("oscar", "ops@example.com", false),
            withEmail("oscar", "ops@example.com", null),
            withEmail("oscar", "ops@example.org", true),
            Api.bearer("ann"))) {
      Api.Reply refused = as(who, HttpRequest.GET(OPERATOR_ROUTE));
      assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
      assertThat(refused.contentType()).isEqualTo(Api.PROBLEM_JSON);
      assertThat(refused.text("type")).isEqualTo(PROBLEMS + "forbidden");
    }
  }

  /** Signs in a browser: the session cookie's value, checked for how it is set. */
  private String session(String user) {
    Api.Reply started =
        api.exchange(
            HttpRequest.POST("/api/v1/session", "")
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, Api.bearer(user)));
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    assertThat(started.text("owner")).isEqualTo(Api.owner(user));
    String setCookie = started.headers().get(HttpHeaders.SET_COOKIE);
    assertThat(setCookie)
        .startsWith("simrun_session=")
        .containsIgnoringCase("HttpOnly")
        .containsIgnoringCase("Secure")
        .containsIgnoringCase("SameSite=Strict")
        .containsIgnoringCase("Path=/")
        .containsIgnoringCase("Max-Age=");
    long maxAge = Long.parseLong(setCookie.replaceAll("(?is).*Max-Age=(\\d+).*", "$1").trim());
    assertThat(maxAge).isBetween(1L, 3600L);
    return setCookie.substring("simrun_session=".length(), setCookie.indexOf(';'));
  }

  private static <T> MutableHttpRequest<T> withCookie(MutableHttpRequest<T> r, String session) {
    return r.header(HttpHeaders.COOKIE, "simrun_session=" + session);
  }

  @Test
  void theSessionCookieSignsInReadsLikeTheBearerToken() throws Exception {
    String session = session("carl");
    UUID id = api.submit("carl", Api.units(4, 2)).id();

    Api.Reply read =
        api.exchange(withCookie(HttpRequest.GET("/api/v1/simulations/" + id), session));
    assertThat(read.status()).as(read.toString()).isEqualTo(200);
    assertThat(api.exchange(withCookie(HttpRequest.GET("/api/v1/me"), session)).text("owner"))
        .isEqualTo(Api.owner("carl"));
    // What an EventSource sends: the cookie and nothing else.
    try (SseClient events =
        SseClient.openWithSession(
            URI.create(server.getURI() + "/api/v1/simulations/" + id + "/events"), session)) {
      assertThat(events.status()).isEqualTo(200);
      assertThat(events.next(Duration.ofSeconds(30))).as("the first event").isNotNull();
    }
    // Another owner's simulation is not found through the cookie either.
    UUID dans = api.submit("dan", Api.units(4, 2)).id();
    assertThat(
            api.exchange(withCookie(HttpRequest.GET("/api/v1/simulations/" + dans), session))
                .status())
        .isEqualTo(404);
    // A cookie is no way around the checks on the token it holds.
    Api.Reply forged =
        api.exchange(
            withCookie(
                HttpRequest.GET("/api/v1/simulations"),
                session.substring(0, session.length() - 4) + "AAAA"));
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.text("type")).isEqualTo(PROBLEMS + "unauthenticated");
    // A session is only made from a token in the Authorization header.
    Api.Reply fromCookie =
        api.exchange(
            withCookie(
                HttpRequest.POST("/api/v1/session", "")
                    .contentType(MediaType.APPLICATION_JSON)
                    .header(CrossSiteGuard.HEADER, "1"),
                session));
    assertThat(fromCookie.status()).as(fromCookie.toString()).isEqualTo(400);
  }

  @Test
  void whatTheCookieChangesMustComeFromTheConsoleOnThisOrigin() {
    String session = session("erin");
    // Not the outbox: the pump may still be sending earlier tests' rows, and a submit writes its
    // simulation and chunks in the transaction that writes its outbox rows.
    long before = rows.simulationsAndChunks();
    List<MutableHttpRequest<String>> forgedRequests =
        List.of(
            // A form or a fetch without the header, as another site can send them.
            submit(),
            submit().header("Origin", "https://evil.example"),
            // The header, but the browser says the request comes from another site.
            submit().header(CrossSiteGuard.HEADER, "1").header("Sec-Fetch-Site", "cross-site"),
            submit().header(CrossSiteGuard.HEADER, "1").header("Origin", "https://evil.example"),
            submit().header(CrossSiteGuard.HEADER, "1").header("Origin", "http://localhost:1"));
    for (MutableHttpRequest<String> r : forgedRequests) {
      Api.Reply refused = api.exchange(withCookie(r, session));
      assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
      assertThat(refused.contentType())
          .as(r.getHeaders().asMap().toString())
          .isEqualTo(Api.PROBLEM_JSON);
      assertThat(refused.text("type")).isEqualTo(PROBLEMS + "cross-site-request");
    }
    assertThat(rows.simulationsAndChunks())
        .as("nothing written by a refused request")
        .isEqualTo(before);

    Api.Reply fromConsole =
        api.exchange(
            withCookie(
                submit()
                    .header(CrossSiteGuard.HEADER, "1")
                    .header("Sec-Fetch-Site", "same-origin")
                    .header("Origin", "http://" + server.getHost() + ":" + server.getPort())
                    .header(HttpHeaders.HOST, server.getHost() + ":" + server.getPort()),
                session));
    assertThat(fromConsole.status()).as(fromConsole.toString()).isEqualTo(202);
    assertThat(api.get("erin", "/api/v1/simulations/" + fromConsole.id()).status()).isEqualTo(200);
    // The same request with a bearer token and no cookie needs no header: no browser sends it.
    assertThat(as(Api.bearer("erin"), submit()).status()).isEqualTo(202);
  }

  private static MutableHttpRequest<String> submit() {
    return HttpRequest.POST("/api/v1/simulations", Api.units(4, 2))
        .contentType(MediaType.APPLICATION_JSON);
  }

  @Test
  void signingOutClearsTheCookie() {
    Api.Reply out = api.exchange(HttpRequest.DELETE("/api/v1/session"));
    assertThat(out.status()).as(out.toString()).isEqualTo(204);
    assertThat(out.headers().get(HttpHeaders.SET_COOKIE))
        .startsWith("simrun_session=;")
        .containsIgnoringCase("Max-Age=0");
  }

  @Test
  void theDevelopmentSignInStartsASessionForAUserName() {
    Api.Reply in =
        api.exchange(
            HttpRequest.POST("/api/v1/session/development", "{\"user\": \"fay\"}")
                .contentType(MediaType.APPLICATION_JSON));
    assertThat(in.status()).as(in.toString()).isEqualTo(204);
    String setCookie = in.headers().get(HttpHeaders.SET_COOKIE);
    assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
    String session = setCookie.substring("simrun_session=".length(), setCookie.indexOf(';'));
    Api.Reply me = api.exchange(withCookie(HttpRequest.GET("/api/v1/me"), session));
    assertThat(me.text("owner")).isEqualTo(Api.owner("fay"));
    assertThat(me.text("operator")).isEqualTo("false");

    Api.Reply op =
        api.exchange(
            HttpRequest.POST(
                    "/api/v1/session/development", "{\"user\": \"fay\", \"role\": \"operator\"}")
                .contentType(MediaType.APPLICATION_JSON));
    String opCookie = op.headers().get(HttpHeaders.SET_COOKIE);
    String opSession = opCookie.substring("simrun_session=".length(), opCookie.indexOf(';'));
    assertThat(api.exchange(withCookie(HttpRequest.GET(OPERATOR_ROUTE), opSession)).status())
        .isEqualTo(200);

    for (String bad :
        List.of(
            "{}",
            "{\"user\": \"\"}",
            "{\"user\": \"a b\"}",
            "{\"user\": \"ann\", \"role\": \"x/y\"}")) {
      Api.Reply refused =
          api.exchange(
              HttpRequest.POST("/api/v1/session/development", bad)
                  .contentType(MediaType.APPLICATION_JSON));
      assertThat(refused.status()).as(bad + " " + refused).isEqualTo(422);
      assertThat(refused.contentType()).isEqualTo(Api.PROBLEM_JSON);
      assertThat(refused.headers().get(HttpHeaders.SET_COOKIE)).isNull();
    }
  }
}
