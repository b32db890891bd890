package dev.simrun.emulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.LocationName;
import com.google.cloud.tasks.v2.OidcToken;
import com.google.cloud.tasks.v2.QueueName;
import com.google.cloud.tasks.v2.Task;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A receiver verifies the pushed ID token exactly as it would verify Google's: via discovery. */
class OidcTokenTest {
  static final LocationName LOCATION = Harness.LOCATION;
  static final String SERVICE_ACCOUNT = "tasks-invoker@simrun-test.iam.gserviceaccount.com";

  @RegisterExtension static Harness tasks = Harness.grpc();

  static QueueName queue;

  @BeforeAll
  static void connect() {
    queue = tasks.newQueue("oidc", q -> q);
  }

  static String pushedToken(String id, String audience) {
    OidcToken.Builder oidc = OidcToken.newBuilder().setServiceAccountEmail(SERVICE_ACCOUNT);
    if (audience != null) {
      oidc.setAudience(audience);
    }
    tasks
        .client()
        .createTask(
            queue,
            Task.newBuilder()
                .setName(queue + "/tasks/" + id)
                .setHttpRequest(
                    HttpRequest.newBuilder()
                        .setUrl(tasks.receiver().url("/secure/" + id))
                        .setOidcToken(oidc))
                .build());
    await().until(() -> tasks.receiver().deliveriesOf(id).size() == 1);
    String authorization = tasks.receiver().deliveriesOf(id).getFirst().header("Authorization");
    assertThat(authorization).startsWith("Bearer ");
    return authorization.substring("Bearer ".length());
  }

  /** Discovers the JWKS from the issuer's OpenID configuration, as a verifier of Google's does. */
  static DefaultJWTProcessor<SecurityContext> verifier(String audience) throws Exception {
    String issuer = tasks.emulator().issuer();
    String discovery =
        HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        URI.create(issuer + "/.well-known/openid-configuration"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Struct.Builder doc = Struct.newBuilder();
    JsonFormat.parser().merge(discovery, doc);
    assertThat(doc.getFieldsOrThrow("issuer").getStringValue()).isEqualTo(issuer);
    String jwksUri = doc.getFieldsOrThrow("jwks_uri").getStringValue();

    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            JWSAlgorithm.RS256, JWKSourceBuilder.create(URI.create(jwksUri).toURL()).build()));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            audience,
            new JWTClaimsSet.Builder()
                .issuer(issuer)
                .claim("email", SERVICE_ACCOUNT)
                .claim("email_verified", true)
                .build(),
            Set.of("sub", "iat", "exp")));
    return processor;
  }

  @Test
  void theTokenVerifiesAgainstTheServedJwksWithItsAudience() throws Exception {
    String audience = "https://worker.simrun.example";
    String token = pushedToken("with-audience", audience);
    JWTClaimsSet claims = verifier(audience).process(token, null);
    assertThat(claims.getSubject()).isEqualTo(SERVICE_ACCOUNT);
    assertThat(claims.getAudience()).containsExactly(audience);
    assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime())
        .isEqualTo(3_600_000L);
  }

  @Test
  void withoutAnAudienceTheTargetUrlIsTheAudience() throws Exception {
    String token = pushedToken("url-audience", null);
    String url = tasks.receiver().url("/secure/url-audience");
    assertThat(verifier(url).process(token, null).getAudience()).containsExactly(url);
  }

  @Test
  void aWrongAudienceOrATamperedSignatureFailsVerification() throws Exception {
    String token = pushedToken("checked", "https://worker.simrun.example");
    assertThatThrownBy(() -> verifier("https://someone-else.example").process(token, null))
        .isInstanceOf(BadJWTException.class)
        .hasMessageContaining("audience");
    String[] parts = token.split("\\.");
    char last = parts[2].charAt(parts[2].length() / 2);
    String tampered =
        parts[0]
            + "."
            + parts[1]
            + "."
            + parts[2].substring(0, parts[2].length() / 2)
            + (last == 'A' ? 'B' : 'A')
            + parts[2].substring(parts[2].length() / 2 + 1);
    assertThatThrownBy(() -> verifier("https://worker.simrun.example").process(tampered, null))
        .isInstanceOf(BadJOSEException.class);
  }
}
