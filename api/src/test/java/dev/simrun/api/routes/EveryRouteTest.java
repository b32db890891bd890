package dev.simrun.api.routes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.api.routes.ApiRoutes.Access;
import dev.simrun.api.routes.ApiRoutes.Route;
import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.BadTokens;
import dev.simrun.api.testing.Rows;
import dev.simrun.api.testing.TestStack;
import dev.simrun.shared.simulations.ChunkFailures;
import dev.simrun.shared.simulations.ChunkStore;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.web.router.Router;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route of the api checks who calls it (issue #13): without credentials, or with a token that
 * does not verify (forged, expired, for another audience, from another issuer), or with a token in
 * the query string, a route answers 401 problem+json with a Bearer challenge; another owner's
 * resource is a 404 shaped exactly like an unknown id's; a signed-in non-operator gets 403 on
 * operator routes. The routes are {@link ApiRoutes}, checked first against what the application
 * serves. No refusal changes a row.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryRouteTest implements TestPropertyProvider {
  private static final String PROBLEMS = "https://simrun.dev/problems/";

  /** The dispatcher deletes outbox rows in the background; its id sequence still counts. */
  private static final Set<String> BACKGROUND = Set.of("outbox");

  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  @Inject Router router;
  @Inject Rows rows;
  @Inject ChunkStore chunks;
  @Inject ChunkFailures failures;

  Api api;
  Resources.Owned ann;
  String annSession;
  Map<String, String> before;

  @Override
  public Map<String, String> getProperties() {
    return TestStack.properties();
  }

  @BeforeAll
  void makeResources() {
    api = new Api(http, json);
    ann = new Resources(api, chunks, failures).of("ann");
    Api.Reply session =
        api.exchange(
            HttpRequest.POST("/api/v1/session", "")
                .contentType(MediaType.APPLICATION_JSON)
                .header(Api.AUTH, Api.bearer("ann")));
    String cookie = session.headers().get(HttpHeaders.SET_COOKIE);
    annSession = cookie.substring("simrun_session=".length(), cookie.indexOf(';'));
  }

  @BeforeEach
  void countRows() {
    before = rows.fingerprint(BACKGROUND);
  }

  @AfterEach
  void nothingChanged() {
    assertThat(rows.fingerprint(BACKGROUND))
        .as("rows after the test's requests, every one refused or a read")
        .isEqualTo(before);
  }

  Stream<Route> routes() {
    return ApiRoutes.ALL.stream();
  }

  Stream<Route> guarded() {
    return routes().filter(r -> r.access() != Access.ANONYMOUS);
  }

  Stream<Arguments> guardedWithBadTokens() {
    Map<String, String> bad = BadTokens.of("ann");
    return guarded()
        .flatMap(r -> bad.entrySet().stream().map(b -> Arguments.of(r, b.getKey(), b.getValue())));
  }

  Stream<Route> ownersRoutesWithId() {
    return routes().filter(r -> r.access() == Access.SIGNED_IN && r.hasId());
  }

  Stream<Route> operatorRoutes() {
    return routes().filter(r -> r.access() == Access.OPERATOR);
  }

  Stream<Route> anonymousRoutes() {
    return routes().filter(r -> r.access() == Access.ANONYMOUS);
  }

  Stream<Route> changingRoutes() {
    return routes().filter(Route::changes);
  }

  @Test
  void theTableListsEveryRouteTheApiServesAndNoOther() {
    Set<String> served =
        router
            .uriRoutes()
            .filter(r -> r.getUriMatchTemplate().toString().startsWith("/api/"))
            .map(r -> r.getHttpMethod() + " " + r.getUriMatchTemplate().toString())
            .collect(Collectors.toCollection(TreeSet::new));
    // Micronaut answers HEAD wherever it answers GET: a listed GET stands for both.
    Set<String> listed =
        routes()
            .flatMap(
                r ->
                    r.method() == HttpMethod.GET
                        ? Stream.of(r.key(), "HEAD " + r.template())
                        : Stream.of(r.key()))
            .collect(Collectors.toCollection(TreeSet::new));

    Set<String> unlisted = new TreeSet<>(served);
    unlisted.removeAll(listed);
    assertThat(unlisted)
        .as(
            "routes the api serves that ApiRoutes.ALL does not list: add each to the table, with"
                + " who may call it and what its {id} names, so that EveryRouteTest and FuzzTest"
                + " check it")
        .isEmpty();
    Set<String> gone = new TreeSet<>(listed);
    gone.removeAll(served);
    assertThat(gone).as("routes ApiRoutes.ALL lists that the api does not serve").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("guarded")
  void withoutCredentialsARouteIs401(Route route) {
    assertUnauthenticated(api.exchange(request(route, someId(route))));
    if (route.method() == HttpMethod.GET) {
      Api.Reply head = api.exchange(HttpRequest.HEAD(route.path(someId(route))));
      assertThat(head.status()).as("HEAD " + route.template()).isEqualTo(401);
      assertThat(head.headers().get(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("guardedWithBadTokens")
  void aTokenThatDoesNotVerifyIs401(Route route, String what, String token) {
    assertUnauthenticated(
        api.exchange(request(route, ownId(route)).header(Api.AUTH, "Bearer " + token)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routes")
  void aTokenInTheQueryStringIs401EvenWithAValidHeader(Route route) {
    String token = TestStack.userToken("ann");
    for (String query : new String[] {"access_token=" + token, "q=" + token, "id_token=x"}) {
      MutableHttpRequest<?> r = request(route, ownId(route), query);
      assertUnauthenticated(api.exchange(r.header(Api.AUTH, Api.bearer("ann"))));
      assertUnauthenticated(api.exchange(request(route, ownId(route), query)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ownersRoutesWithId")
  void anotherOwnersResourceIsNotFoundExactlyLikeAnUnknownOne(Route route) {
    UUID anns = ann.of(route.resource());
    UUID unknown = UUID.randomUUID();

    Api.Reply others = api.exchange(request(route, anns.toString()).header(Api.AUTH, eve()));
    Api.Reply nobodys = api.exchange(request(route, unknown.toString()).header(Api.AUTH, eve()));

    assertThat(others.status()).as(others.toString()).isEqualTo(404);
    assertThat(others.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(others.text("type")).isEqualTo(PROBLEMS + "not-found");
    assertThat(shape(others, anns))
        .as("another owner's 404 says nothing an unknown id's does not")
        .isEqualTo(shape(nobodys, unknown));
    assertThat(others.contentType()).isEqualTo(nobodys.contentType());
    // The resource is real, and its owner reaches it on the same kind of route.
    String read =
        switch (route.resource()) {
          case SIMULATION -> "/api/v1/simulations/" + anns;
          case DATASET -> "/api/v1/datasets/" + anns;
          case DEAD_LETTER -> "/api/v1/dead-letters/" + anns;
          case NONE, BATCH_RUN -> throw new IllegalStateException();
        };
    assertThat(api.get("ann", read).status()).isEqualTo(200);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operatorRoutes")
  void aSignedInNonOperatorIs403OnOperatorRoutes(Route route) {
    String[] ids =
        route.hasId()
            ? new String[] {ann.of(route.resource()).toString(), UUID.randomUUID().toString()}
            : new String[] {""};
    for (String id : ids) {
      for (String who : new String[] {Api.bearer("ann"), eve()}) {
        Api.Reply refused = api.exchange(request(route, id).header(Api.AUTH, who));
        assertThat(refused.status()).as(route + " " + refused).isEqualTo(403);
        assertThat(refused.contentType()).isEqualTo(Api.PROBLEM_JSON);
        assertThat(refused.text("type")).isEqualTo(PROBLEMS + "forbidden");
        assertThat(refused.text("status")).isEqualTo("403");
      }
      Api.Reply throughCookie =
          api.exchange(
              request(route, id)
                  .header(HttpHeaders.COOKIE, "simrun_session=" + annSession)
                  .header("X-SimRun-CSRF", "1"));
      assertThat(throughCookie.status()).as(route + " " + throughCookie).isEqualTo(403);
    }
    if (route.method() == HttpMethod.GET) {
      Api.Reply operator =
          api.exchange(
              request(route, route.hasId() ? ann.of(route.resource()).toString() : "")
                  .header(Api.AUTH, Api.operatorBearer("olga")));
      assertThat(operator.status()).as("an operator: " + operator).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("anonymousRoutes")
  void anAnonymousRouteSaysWhyAndAnswersWithoutCredentials(Route route) {
    assertThat(route.anonymousBecause()).isNotBlank();
    Api.Reply reply = api.exchange(request(route, ""));
    assertThat(reply.status()).as(reply.toString()).isBetween(200, 299);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changingRoutes")
  void theSessionCookieWithoutTheCsrfHeaderChangesNothing(Route route) {
    Api.Reply refused =
        api.exchange(
            request(route, ownId(route))
                .header(HttpHeaders.COOKIE, "simrun_session=" + annSession));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
    assertThat(refused.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(refused.text("type")).isEqualTo(PROBLEMS + "cross-site-request");
  }

  private static String eve() {
    return Api.bearer("eve");
  }

  private String ownId(Route route) {
    return route.hasId() ? ann.of(route.resource()).toString() : "";
  }

  private static String someId(Route route) {
    return route.hasId() ? UUID.randomUUID().toString() : "";
  }

  private MutableHttpRequest<?> request(Route route, String id) {
    return request(route, id, null);
  }

  /** A well-formed request to {@code route}, without credentials. */
  private MutableHttpRequest<?> request(Route route, String id, String query) {
    String uri = route.path(id) + (query == null ? "" : "?" + query);
    return switch (route.body()) {
      case NONE -> HttpRequest.create(route.method(), uri);
      case EMPTY -> HttpRequest.create(route.method(), uri).body("").contentType(json());
      case SUBMIT ->
          HttpRequest.create(route.method(), uri).body(Api.units(4, 2)).contentType(json());
      case DATASET ->
          HttpRequest.create(route.method(), uri).body(Resources.CSV).contentType("text/csv");
      case SIGN_IN ->
          HttpRequest.create(route.method(), uri).body("{\"user\": \"ann\"}").contentType(json());
      case BATCH ->
          HttpRequest.create(route.method(), uri).body(Resources.BATCH).contentType(json());
    };
  }

  private static MediaType json() {
    return MediaType.APPLICATION_JSON_TYPE;
  }

  private static void assertUnauthenticated(Api.Reply reply) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
    assertThat(reply.contentType()).isEqualTo(Api.PROBLEM_JSON);
    assertThat(reply.text("type")).isEqualTo(PROBLEMS + "unauthenticated");
    assertThat(reply.text("status")).isEqualTo("401");
    assertThat(reply.headers().get(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
  }

  /** The answer's fields and values, with the id it names replaced by a placeholder. */
  private Map<String, String> shape(Api.Reply reply, UUID id) {
    Map<String, String> fields = new TreeMap<>();
    for (Map.Entry<String, JsonNode> f : reply.tree().entries()) {
      try {
        fields.put(
            f.getKey(), json.writeValueAsString(f.getValue()).replace(id.toString(), "{id}"));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return fields;
  }
}
