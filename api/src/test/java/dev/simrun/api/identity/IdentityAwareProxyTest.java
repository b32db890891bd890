package dev.simrun.api.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.simrun.api.testing.Api;
import dev.simrun.api.testing.TestStack;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Behind Identity-Aware Proxy: the signed {@code X-Goog-IAP-JWT-Assertion} signs a caller in after
 * its ES256 signature, issuer, audience and expiry are verified against IAP's keys (served here by
 * a local JWKS endpoint in IAP's format); the plain identity headers IAP also sets are ignored.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityAwareProxyTest implements TestPropertyProvider {
  private static final String AUDIENCE = "/projects/123456/global/backendServices/789";
  private static final ECKey IAP_KEY = key("iap-key-1");
  private static final ECKey STRANGER = key("iap-key-1");
  private static final HttpServer JWKS = jwks();

  @Inject
  @Client("/")
  HttpClient http;

  @Inject JsonMapper json;
  Api api;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = new HashMap<>(TestStack.properties());
    p.put("simrun.identity.iap.audience", AUDIENCE);
    p.put(
        "simrun.identity.iap.jwks-url",
        "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/iap/verify/public_key-jwk");
    p.put("simrun.identity.operators.emails", "ops@example.com");
    return p;
  }

  @BeforeAll
  void connect() {
    api = new Api(http, json);
  }

  @AfterAll
  void stop() {
    JWKS.stop(0);
  }

  private static ECKey key(String id) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(id).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpServer jwks() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      byte[] body = new JWKSet(IAP_KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
      server.createContext(
          "/iap/verify/public_key-jwk",
          exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JWTClaimsSet.Builder claims(String subject, String email) {
    return new JWTClaimsSet.Builder()
        .issuer("https://cloud.google.com/iap")
        .audience(AUDIENCE)
        .subject(subject)
        .claim("email", email)
        .issueTime(new Date())
        .expirationTime(Date.from(Instant.now().plusSeconds(600)));
  }

  private static String assertion(JWTClaimsSet claims, ECKey key) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private Api.Reply me(String assertion) {
    return api.exchange(
        HttpRequest.GET("/api/v1/me").header("X-Goog-IAP-JWT-Assertion", assertion));
  }

  @Test
  void aVerifiedAssertionSignsInItsSubject() {
    Api.Reply me =
        me(assertion(claims("accounts.google.com:1001", "ivy@example.com").build(), IAP_KEY));
    assertThat(me.status()).as(me.toString()).isEqualTo(200);
    assertThat(me.text("owner"))
        .isEqualTo(Caller.of("https://cloud.google.com/iap", "accounts.google.com:1001").owner());
    assertThat(me.text("operator")).isEqualTo("false");
    assertThat(me.text("email")).isEqualTo("ivy@example.com");

    // IAP's emails are Google-verified: the operator allow-list applies to them.
    Api.Reply ops =
        me(assertion(claims("accounts.google.com:1002", "ops@example.com").build(), IAP_KEY));
    assertThat(ops.text("operator")).isEqualTo("true");
  }

  @Test
  void anAssertionThatDoesNotVerifyOrAPlainHeaderIsRefused() {
    List<String> refused =
        List.of(
            assertion(claims("accounts.google.com:1001", "ivy@example.com").build(), STRANGER),
            assertion(
                claims("accounts.google.com:1001", "ivy@example.com")
                    .audience("/projects/123456/global/backendServices/000")
                    .build(),
                IAP_KEY),
            assertion(
                claims("accounts.google.com:1001", "ivy@example.com")
                    .expirationTime(Date.from(Instant.now().minusSeconds(600)))
                    .issueTime(Date.from(Instant.now().minusSeconds(1200)))
                    .build(),
                IAP_KEY),
            // A development token is no IAP assertion, though the api trusts it as a bearer token.
            TestStack.userToken("ivy"),
            "ivy@example.com");
    for (String header : refused) {
      Api.Reply reply = me(header);
      assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
      assertThat(reply.contentType()).isEqualTo(Api.PROBLEM_JSON);
    }
    // The unsigned identity headers IAP adds mean nothing on their own.
    Api.Reply plain =
        api.exchange(
            HttpRequest.GET("/api/v1/me")
                .header("X-Goog-Authenticated-User-Email", "accounts.google.com:ops@example.com")
                .header("X-Goog-Authenticated-User-Id", "accounts.google.com:1002"));
    assertThat(plain.status()).isEqualTo(401);
  }
}
