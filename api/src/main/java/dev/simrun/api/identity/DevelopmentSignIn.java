package dev.simrun.api.identity;

import dev.simrun.api.docs.ProblemAnswers;
import dev.simrun.api.problems.ApiProblems;
import dev.simrun.kinds.FieldError;
import dev.simrun.problems.ProblemException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The local sign-in the console's development page calls: {@code POST /api/v1/session/development}
 * with {@code {"user": "ann"}} (and {@code "role": "operator"} to be one) asks the development
 * issuer for an ID token and starts a session with it, exactly as a production sign-in would. It
 * exists only where {@code simrun.identity.development-sign-in} names that issuer's sign-in URL,
 * which only {@code ./simrun} and the tests set: production has no such route.
 */
@ProblemAnswers
@Tag(name = "Sign-in")
@Controller("/api/v1/session/development")
@Requires(property = "simrun.identity.development-sign-in")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class DevelopmentSignIn {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private final URI signIn;
  private final SessionCookie cookie;
  private final JsonMapper json;

  DevelopmentSignIn(
      @Value("${simrun.identity.development-sign-in}") String signIn,
      SessionCookie cookie,
      JsonMapper json) {
    this.signIn = URI.create(signIn);
    this.cookie = cookie;
    this.json = json;
  }

  /** Who signs in, and as what. */
  @Serdeable
  record Request(@Nullable String user, @Nullable String role) {}

  /** 204 with the session cookie; then {@code GET /api/v1/me} says who signed in. */
  @Post
  HttpResponse<Void> signIn(@Body Request body) {
    if (body.user() == null || !NAME.matcher(body.user()).matches()) {
      throw invalid("user");
    }
    if (body.role() != null && !NAME.matcher(body.role()).matches()) {
      throw invalid("role");
    }
    Map<String, String> ask = new LinkedHashMap<>();
    ask.put("user", body.user());
    if (body.role() != null) {
      ask.put("role", body.role());
    }
    try {
      java.net.http.HttpResponse<String> answer =
          HTTP.send(
              HttpRequest.newBuilder(signIn)
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(ask)))
                  .build(),
              BodyHandlers.ofString());
      JsonNode token = json.readValue(answer.body(), JsonNode.class);
      if (answer.statusCode() != 200 || token.get("idToken") == null) {
        throw unavailable();
      }
      long seconds = token.get("expiresIn") == null ? 3600 : token.get("expiresIn").getLongValue();
      return HttpResponse.<Void>noContent()
          .cookie(
              cookie.holding(token.get("idToken").getStringValue(), Duration.ofSeconds(seconds)));
    } catch (IOException e) {
      throw unavailable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable();
    }
  }

  private static ProblemException invalid(String field) {
    return ProblemException.invalid(
        List.of(new FieldError(field, "must be 1 to 64 of A-Z a-z 0-9 . _ @ -")));
  }

  private static ProblemException unavailable() {
    return new ProblemException(
        ApiProblems.SIGN_IN_UNAVAILABLE, "The development issuer did not sign the user in.");
  }
}
