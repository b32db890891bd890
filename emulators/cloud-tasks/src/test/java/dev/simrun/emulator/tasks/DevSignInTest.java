package dev.simrun.emulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The development sign-in a local sign-in page and {@code ./simrun token} call: {@code POST
 * /dev/sign-in} answers an ID token for the user name, signed with the key the JWKS publishes.
 */
class DevSignInTest {
  @RegisterExtension static Harness tasks = Harness.grpc();

  static HttpResponse<String> signIn(String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(tasks.emulator().baseUrl() + "/dev/sign-in"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static JWTClaimsSet verified(String token) throws Exception {
    String issuer = tasks.emulator().issuer();
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            JWSAlgorithm.RS256,
            JWKSourceBuilder.create(URI.create(tasks.emulator().jwksUri()).toURL()).build()));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            CloudTasksEmulator.devAudience(),
            new JWTClaimsSet.Builder().issuer(issuer).build(),
            Set.of("sub", "iat", "exp")));
    return processor.process(token, null);
  }

  @Test
  void aUserNameGetsASignedIdTokenForTheLocalProject() throws Exception {
    HttpResponse<String> r = signIn("{\"user\": \"ann\", \"role\": \"operator\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Struct.Builder answer = Struct.newBuilder();
    JsonFormat.parser().merge(r.body(), answer);
    assertThat(answer.getFieldsOrThrow("tokenType").getStringValue()).isEqualTo("Bearer");
    JWTClaimsSet claims = verified(answer.getFieldsOrThrow("idToken").getStringValue());
    assertThat(claims.getSubject()).isEqualTo("ann");
    assertThat(claims.getStringClaim("role")).isEqualTo("operator");

    JWTClaimsSet noRole = verified(tasks.emulator().userToken("bob", null));
    assertThat(noRole.getSubject()).isEqualTo("bob");
    assertThat(noRole.getClaim("role")).isNull();
  }

  @Test
  void aMissingOrOddUserNameIsRefused() throws Exception {
    for (String body :
        new String[] {"{}", "{\"user\": \"\"}", "{\"user\": \"ann smith\"}", "{\"user\": 7}"}) {
      assertThat(signIn(body).statusCode()).as(body).isEqualTo(400);
    }
  }
}
