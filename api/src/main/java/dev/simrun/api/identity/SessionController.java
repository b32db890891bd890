package dev.simrun.api.identity;

import dev.simrun.api.docs.ProblemAnswers;
import dev.simrun.problems.ProblemException;
import dev.simrun.problems.ProblemTypes;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.token.Claims;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Who the caller is, and the browser session: {@code POST /api/v1/session} with {@code
 * Authorization: Bearer <ID token>} sets the session cookie ({@link SessionCookie}) for as long as
 * the token lives; {@code DELETE} clears it.
 */
@ProblemAnswers
@Tag(name = "Sign-in")
@Controller("/api/v1")
class SessionController {
  private final SessionCookie cookie;
  private final Clock clock;

  SessionController(SessionCookie cookie, Clock clock) {
    this.cookie = cookie;
    this.clock = clock;
  }

  /**
   * The signed-in caller: the owner id everything they create is stored under (what an operator
   * allow-list names), whether they are an operator, and the email their token carries, if any.
   */
  @Serdeable
  record Me(String owner, boolean operator, @Nullable String email) {}

  @Get("/me")
  Me me(@Parameter(hidden = true) Caller caller, Authentication authentication) {
    return new Me(
        caller.owner(),
        caller.operator(),
        authentication.getAttributes().get("email") instanceof String e ? e : null);
  }

  /**
   * Starts (or renews) a browser session with the token of the {@code Authorization} header: 200
   * with who signed in, and the cookie. A request signed in by the cookie alone is refused: a
   * session is only ever made from a token the caller holds.
   */
  @Post("/session")
  HttpResponse<Me> start(
      HttpRequest<?> request,
      @Parameter(hidden = true) Caller caller,
      Authentication authentication) {
    String token =
        request
            .getHeaders()
            .getAuthorization()
            .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
            .map(h -> h.substring(7).trim())
            .orElseThrow(
                () ->
                    new ProblemException(
                        ProblemTypes.BAD_REQUEST,
                        "Start a session with the ID token in Authorization: Bearer <token>."));
    Duration left = lifetime(authentication);
    return HttpResponse.ok(me(caller, authentication)).cookie(cookie.holding(token, left));
  }

  /** Ends the browser session: 204 and a cookie that expires now; needs no valid token. */
  @Delete("/session")
  @Secured(SecurityRule.IS_ANONYMOUS)
  HttpResponse<Void> end() {
    return HttpResponse.<Void>noContent()
        .cookie(cookie.cleared())
        .header(HttpHeaders.CACHE_CONTROL, "no-store");
  }

  private Duration lifetime(Authentication authentication) {
    Object exp = authentication.getAttributes().get(Claims.EXPIRATION_TIME);
    Instant expires =
        switch (exp) {
          case java.util.Date d -> d.toInstant();
          case Number n -> Instant.ofEpochSecond(n.longValue());
          case null, default -> clock.instant();
        };
    Duration left = Duration.between(clock.instant(), expires);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
