package dev.simrun.api.identity;

import dev.simrun.problems.ProblemResponses;
import dev.simrun.problems.ProblemTypes;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.authentication.DefaultAuthorizationExceptionHandler;
import jakarta.inject.Singleton;

/**
 * Refusals by the security rules as problem+json: 401 {@code unauthenticated} with {@code
 * WWW-Authenticate: Bearer} when the request carries no valid token (none, forged, expired, for
 * another audience or from an untrusted issuer: the answer does not say which), 403 {@code
 * forbidden} when a signed-in caller may not do this.
 */
@Singleton
@Produces
@Replaces(DefaultAuthorizationExceptionHandler.class)
class SignInRequired implements ExceptionHandler<AuthorizationException, HttpResponse<?>> {
  static final String CHALLENGE = "Bearer realm=\"simrun\"";

  @Override
  @SuppressWarnings("rawtypes") // ExceptionHandler.handle declares the raw HttpRequest
  public HttpResponse<?> handle(HttpRequest request, AuthorizationException e) {
    if (e.isForbidden()) {
      return ProblemResponses.of(ProblemTypes.FORBIDDEN, "You may not do this.", request.getPath());
    }
    return unauthenticated(request.getPath());
  }

  static HttpResponse<?> unauthenticated(String path) {
    return ProblemResponses.of(
            ProblemTypes.UNAUTHENTICATED,
            "Sign in: send an ID token as Authorization: Bearer <token>.",
            path)
        .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
  }
}
