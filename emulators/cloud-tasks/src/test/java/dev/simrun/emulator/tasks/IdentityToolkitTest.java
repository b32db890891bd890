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
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Identity Toolkit's email and password accounts the console's sign-in page uses, as the
 * development issuer serves them: an account made with {@code signUp} signs in with {@code
 * signInWithPassword} and gets an ID token of the development issuer for the local project, its
 * subject the same at every sign-in; wrong passwords, unknown emails and bad input get Google's
 * error JSON; a browser on another origin may call it.
 */
class IdentityToolkitTest {
  @RegisterExtension static Harness tasks = Harness.grpc();

  private static final String CONSOLE = "http://127.0.0.1:8080";

  static HttpResponse<String> call(String method, String key, String body) throws Exception {
    String url =
        tasks.emulator().toolkitUrl()
            + "/v1/accounts:"
            + method
            + (key == null ? "" : "?key=" + key);
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("Origin", CONSOLE)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static Map<String, com.google.protobuf.Value> json(String body) throws Exception {
    Struct.Builder s = Struct.newBuilder();
    JsonFormat.parser().merge(body, s);
    return s.getFieldsMap();
  }

  /** The token's claims, once its signature, issuer, audience and expiry check out. */
  static JWTClaimsSet verified(String token) throws Exception {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            JWSAlgorithm.RS256,
            JWKSourceBuilder.create(URI.create(tasks.emulator().jwksUri()).toURL()).build()));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            CloudTasksEmulator.devAudience(),
            new JWTClaimsSet.Builder().issuer(tasks.emulator().issuer()).build(),
            Set.of("sub", "iat", "exp", "email")));
    return processor.process(token, null);
  }

  /** The error's message, after checking Google's shape: {"error": {"code", "message"}}. */
  static String error(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    Struct error = json(r.body()).get("error").getStructValue();
    assertThat(error.getFieldsOrThrow("code").getNumberValue()).isEqualTo(status);
    return error.getFieldsOrThrow("message").getStringValue();
  }

  static String account(String email, String password) {
    return "{\"email\": \""
        + email
        + "\", \"password\": \""
        + password
        + "\", \"returnSecureToken\": true}";
  }

  @Test
  void anAccountSignsInWithItsPasswordAndGetsTheDevelopmentIssuersToken() throws Exception {
    HttpResponse<String> up = call("signUp", "any-key", account("Ann@Example.com", "s3cret-pw"));
    assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
    assertThat(up.headers().firstValue("Access-Control-Allow-Origin")).hasValue(CONSOLE);
    var made = json(up.body());
    String localId = made.get("localId").getStringValue();
    assertThat(made.get("email").getStringValue()).isEqualTo("ann@example.com");

    HttpResponse<String> in =
        call("signInWithPassword", "any-key", account("ann@example.com", "s3cret-pw"));
    assertThat(in.statusCode()).as(in.body()).isEqualTo(200);
    var answer = json(in.body());
    assertThat(answer.get("localId").getStringValue()).isEqualTo(localId);
    assertThat(answer.get("registered").getBoolValue()).isTrue();
    assertThat(answer.get("expiresIn").getStringValue()).isEqualTo("3600");
    assertThat(answer.get("refreshToken").getStringValue()).isNotBlank();
    JWTClaimsSet claims = verified(answer.get("idToken").getStringValue());
    assertThat(claims.getIssuer()).isEqualTo(tasks.emulator().issuer());
    assertThat(claims.getAudience()).containsExactly(CloudTasksEmulator.devAudience());
    assertThat(claims.getSubject()).isEqualTo(localId);
    assertThat(claims.getStringClaim("email")).isEqualTo("ann@example.com");
    assertThat(claims.getBooleanClaim("email_verified")).isFalse();

    // The same account again: the same subject, so the same owner in SimRun.
    var again =
        json(call("signInWithPassword", "k", account("ANN@example.com", "s3cret-pw")).body());
    assertThat(verified(again.get("idToken").getStringValue()).getSubject()).isEqualTo(localId);
    // A second account has its own.
    var bob = json(call("signUp", "k", account("bob@example.com", "another-pw")).body());
    assertThat(bob.get("localId").getStringValue()).isNotEqualTo(localId);
  }

  @Test
  void aWrongPasswordAndAnUnknownEmailGetTheSameRefusal() throws Exception {
    call("signUp", "k", account("cat@example.com", "right-pw"));
    assertThat(error(call("signInWithPassword", "k", account("cat@example.com", "wrong-pw")), 400))
        .isEqualTo("INVALID_LOGIN_CREDENTIALS");
    assertThat(
            error(call("signInWithPassword", "k", account("nobody@example.com", "right-pw")), 400))
        .isEqualTo("INVALID_LOGIN_CREDENTIALS");
    assertThat(error(call("signUp", "k", account("cat@example.com", "other-pw")), 400))
        .isEqualTo("EMAIL_EXISTS");
  }

  @Test
  void badInputIsRefusedInGooglesWords() throws Exception {
    assertThat(error(call("signUp", "k", account("dan@example.com", "short")), 400))
        .startsWith("WEAK_PASSWORD");
    assertThat(error(call("signUp", "k", account("not-an-email", "long-enough")), 400))
        .isEqualTo("INVALID_EMAIL");
    assertThat(error(call("signInWithPassword", "k", "{\"password\": \"long-enough\"}"), 400))
        .isEqualTo("MISSING_EMAIL");
    assertThat(error(call("signInWithPassword", "k", "{\"email\": \"dan@example.com\"}"), 400))
        .isEqualTo("MISSING_PASSWORD");
    assertThat(error(call("signInWithPassword", "k", "{\"email\": 7}"), 400))
        .startsWith("Invalid value at 'email'");
    assertThat(error(call("signInWithPassword", "k", "not json"), 400))
        .startsWith("Invalid JSON payload");
    // Without an API key Google does not know the caller's project.
    assertThat(error(call("signInWithPassword", null, account("dan@example.com", "x")), 403))
        .contains("API Key");
    assertThat(error(call("deleteEverything", "k", "{}"), 404)).contains("No such method");
  }

  @Test
  void aPasswordResetAnswersAlikeForEveryAddress() throws Exception {
    call("signUp", "k", account("eve@example.com", "eve-password"));
    for (String email : new String[] {"eve@example.com", "nobody@example.com"}) {
      HttpResponse<String> r =
          call(
              "sendOobCode",
              "k",
              "{\"requestType\": \"PASSWORD_RESET\", \"email\": \"" + email + "\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(json(r.body()).get("email").getStringValue()).isEqualTo(email);
    }
  }

  @Test
  void aBrowserOnTheConsolesOriginMayCallIt() throws Exception {
    HttpResponse<String> preflight =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            tasks.emulator().toolkitUrl()
                                + "/v1/accounts:signInWithPassword?key=k"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", CONSOLE)
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(CONSOLE);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
        .hasValueSatisfying(m -> assertThat(m).contains("POST"));
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
        .hasValueSatisfying(h -> assertThat(h).containsIgnoringCase("content-type"));
  }
}
