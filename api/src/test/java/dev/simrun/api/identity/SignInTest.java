package dev.simrun.api.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.simrun.api.testing.Api;
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
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sign-in over real HTTP with real tokens signed by the development issuer (the Cloud Tasks
 * emulator): every request to the api needs a valid ID token, a refused one is 401 problem+json
 * with {@code WWW-Authenticate: Bearer}, and another owner's resources are not found.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInTest implements TestPropertyProvider {
  private static final List<String> ROUTES =
      List.of(
          "/api/v1/simulations",
          "/api/v1/simulations/" + UUID.randomUUID(),
          "/api/v1/simulations/" + UUID.randomUUID() + "/result",
          "/api/v1/datasets",
          "/api/v1/dead-letters");

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

  private static Map<String, Object> claims(String user) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> c = new HashMap<>();
    c.put("iss", TestStack.issuer());
    c.put("aud", TestStack.devAudience());
    c.put("sub", user);
    c.put("iat", now);
    c.put("exp", now + 3600);
    return c;
  }

  private static String signed(Map<String, Object> claims) {
    return TestStack.signedToken(claims);
  }

  /** Tokens the api must refuse, each with what is wrong with it. */
  static Stream<List<String>> refusedTokens() throws Exception {
    Map<String, Object> expired = claims("ann");
    expired.put("iat", Instant.now().getEpochSecond() - 7200);
    expired.put("exp", Instant.now().getEpochSecond() - 3600);
    Map<String, Object> otherAudience = claims("ann");
    otherAudience.put("aud", "another-project");
    Map<String, Object> otherIssuer = claims("ann");
    otherIssuer.put("iss", "https://securetoken.google.com/another-project");
    Map<String, Object> noSubject = claims("ann");
    noSubject.remove("sub");

    String good = Api.bearer("ann").substring("Bearer ".length());
    String[] parts = good.split("\\.");
    String otherPayload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]))
                    .replace("\"sub\":\"ann\"", "\"sub\":\"bob\"")
                    .getBytes());
    String tampered = parts[0] + "." + otherPayload + "." + parts[2];

    RSAKey stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(stranger.getKeyID()).build(),
            new JWTClaimsSet.Builder()
                .issuer(TestStack.issuer())
                .audience(TestStack.devAudience())
                .subject("ann")
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(3600)))
                .build());
    forged.sign(new RSASSASigner(stranger));

    return Stream.of(
        List.of("a token signed by another key", "Bearer " + forged.serialize()),
        List.of("a token whose claims were changed after signing", "Bearer " + tampered),
        List.of("an expired token", "Bearer " + signed(expired)),
        List.of("a token for another audience", "Bearer " + signed(otherAudience)),
        List.of("a token from an untrusted issuer", "Bearer " + signed(otherIssuer)),
        List.of("a token without a subject", "Bearer " + signed(noSubject)),
        List.of("an unsigned token", "Bearer " + parts[0] + "." + parts[1] + "."),
        List.of("not a token", "Bearer ann"),
        List.of("a user name instead of a token", "ann"),
        List.of("basic credentials", "Basic YW5uOmFubg=="));
  }

  private void assertUnauthenticated(Api.Reply reply) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
    assertThat(reply.contentType()).startsWith(Api.PROBLEM_JSON);
    assertThat(reply.text("type")).endsWith("/unauthenticated");
    assertThat(reply.headers().get(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
  }

  @Test
  void withoutCredentialsEveryRouteIs401ProblemJsonWithABearerChallenge() {
    for (String route : ROUTES) {
      assertUnauthenticated(api.exchange(HttpRequest.GET(route)));
    }
    assertUnauthenticated(
        api.exchange(
            HttpRequest.POST("/api/v1/simulations", Api.units(4, 2))
                .contentType(MediaType.APPLICATION_JSON)));
    assertUnauthenticated(
        api.exchange(
            HttpRequest.POST("/api/v1/simulations/" + UUID.randomUUID() + "/cancel", "")
                .contentType(MediaType.APPLICATION_JSON)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedTokens")
  void aTokenThatDoesNotVerifyIs401(List<String> c) {
    for (String route : ROUTES) {
      assertUnauthenticated(
          api.exchange(HttpRequest.GET(route).header(HttpHeaders.AUTHORIZATION, c.get(1))));
    }
    MutableHttpRequest<String> submit =
        HttpRequest.POST("/api/v1/simulations", Api.units(4, 2))
            .contentType(MediaType.APPLICATION_JSON)
            .header(HttpHeaders.AUTHORIZATION, c.get(1));
    assertUnauthenticated(api.exchange(submit));
  }

  @Test
  void aTokenInTheQueryStringIsRefusedEvenWithAValidHeader() {
    String token = Api.bearer("ann").substring("Bearer ".length());
    for (String query :
        List.of("access_token=" + token, "id_token=" + token, "t=" + token, "token=x")) {
      assertUnauthenticated(api.exchange(HttpRequest.GET("/api/v1/simulations?" + query)));
      assertUnauthenticated(
          api.exchange(
              HttpRequest.GET("/api/v1/simulations?" + query)
                  .header(HttpHeaders.AUTHORIZATION, Api.bearer("ann"))));
    }
  }

  @Test
  void healthIsOpen() {
    assertThat(api.exchange(HttpRequest.GET("/health")).status()).isEqualTo(200);
  }

  @Test
  void twoUsersEachSeeOnlyTheirOwnSimulations() {
    UUID anns = api.submit("ann", Api.units(4, 2)).id();
    UUID bobs = api.submit("bob", Api.units(4, 2)).id();

    assertThat(ids(api.get("ann", "/api/v1/simulations"))).contains(anns).doesNotContain(bobs);
    assertThat(ids(api.get("bob", "/api/v1/simulations"))).contains(bobs).doesNotContain(anns);
    assertThat(api.get("ann", "/api/v1/simulations/" + anns).status()).isEqualTo(200);

    for (String path : List.of("", "/result", "/result.csv", "/events")) {
      Api.Reply reply = api.get("ann", "/api/v1/simulations/" + bobs + path);
      assertThat(reply.status()).as(path + ": " + reply).isEqualTo(404);
      assertThat(reply.contentType()).startsWith(Api.PROBLEM_JSON);
    }
    Api.Reply cancel =
        api.exchange(
            HttpRequest.POST("/api/v1/simulations/" + bobs + "/cancel", "")
                .contentType(MediaType.APPLICATION_JSON)
                .header(Api.AUTH, Api.bearer("ann")));
    assertThat(cancel.status()).as(cancel.toString()).isEqualTo(404);
    assertThat(api.get("bob", "/api/v1/simulations/" + bobs).text("status")).isEqualTo("QUEUED");
  }

  @Test
  void anotherOwnersDatasetIsNotFound() {
    Api.Reply uploaded =
        api.exchange(
            HttpRequest.POST(
                    "/api/v1/datasets?name=bobs",
                    "timestamp,open,high,low,close,volume\n"
                        + "1700000000,100,101,99,100.5,1000\n"
                        + "1700086400,100,101,99,100.5,1000\n")
                .contentType("text/csv")
                .header(Api.AUTH, Api.bearer("bob")));
    assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
    String id = uploaded.text("id");
    assertThat(api.get("bob", "/api/v1/datasets/" + id).status()).isEqualTo(200);
    Api.Reply other = api.get("ann", "/api/v1/datasets/" + id);
    assertThat(other.status()).as(other.toString()).isEqualTo(404);
    assertThat(api.get("ann", "/api/v1/datasets").body()).doesNotContain(id);
  }

  @Test
  void theOwnerIsTheIssuerAndSubjectNotTheName() {
    assertThat(Caller.of(TestStack.issuer(), "ann").owner())
        .isEqualTo(Caller.of(TestStack.issuer(), "ann").owner())
        .isNotEqualTo(Caller.of(TestStack.issuer(), "bob").owner())
        .isNotEqualTo(Caller.of("https://securetoken.google.com/p", "ann").owner())
        .isNotEqualTo("ann");
  }

  private List<UUID> ids(Api.Reply page) {
    List<UUID> ids = new java.util.ArrayList<>();
    page.tree()
        .get("items")
        .values()
        .forEach(n -> ids.add(UUID.fromString(n.get("id").getStringValue())));
    return ids;
  }
}
