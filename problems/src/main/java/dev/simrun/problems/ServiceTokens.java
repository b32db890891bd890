package dev.simrun.problems;

import dev.simrun.shared.serviceauth.IdTokenVerifier;
import dev.simrun.shared.serviceauth.IdTokenVerifier.Rejected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.MutableHttpResponse;
import java.util.Locale;

/**
 * A service account's ID token on a request (Cloud Tasks' push to the worker, Cloud Scheduler's
 * trigger to the api): where it is, and the answer when it is refused: 401 for a missing or invalid
 * token (with {@code WWW-Authenticate}), 403 for another account's, 503 while the signing keys
 * cannot be fetched.
 */
public final class ServiceTokens {
  private static final String BEARER = "bearer ";

  private ServiceTokens() {}

  /** The compact JWT of {@code Authorization: Bearer …}, or null. */
  public static @Nullable String bearer(HttpHeaders headers) {
    String authorization = headers.get(HttpHeaders.AUTHORIZATION);
    if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
      return null;
    }
    return authorization.substring(BEARER.length()).strip();
  }

  /** The problem answer to a refused token; says why, never what the token held. */
  public static MutableHttpResponse<Problem> refusal(Rejected refused, String path) {
    String detail = "the bearer token was refused: " + refused.reason();
    return switch (refused.reason().refusal()) {
      case UNAUTHENTICATED ->
          ProblemResponses.of(ProblemTypes.UNAUTHENTICATED, detail, path)
              .header(
                  HttpHeaders.WWW_AUTHENTICATE,
                  refused.reason() == IdTokenVerifier.Reason.MISSING
                      ? "Bearer"
                      : "Bearer error=\"invalid_token\"");
      case FORBIDDEN -> ProblemResponses.of(ProblemTypes.FORBIDDEN, detail, path);
      case UNAVAILABLE ->
          ProblemResponses.of(ProblemTypes.AUTH_UNAVAILABLE, detail, path)
              .header(HttpHeaders.RETRY_AFTER, "5");
    };
  }
}
