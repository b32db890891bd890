package dev.simrun.worker.auth;

import dev.simrun.problems.ProblemResponses;
import dev.simrun.problems.ProblemTypes;
import dev.simrun.worker.auth.IdTokenVerifier.Rejected;
import dev.simrun.worker.auth.IdTokenVerifier.Verified;
import dev.simrun.worker.problems.WorkerProblems;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a push to {@code /tasks/**} through only with a valid ID token of an allowed account, before
 * its body is read or any row is touched: 401 for a missing or invalid token, 403 for another
 * account's, 503 while the signing keys cannot be fetched. Runs on a blocking thread because the
 * first verification fetches the keys.
 */
@ServerFilter("/tasks/**")
class TaskAuthFilter {
  private static final Logger LOG = LoggerFactory.getLogger(TaskAuthFilter.class);
  private static final String BEARER = "bearer ";

  private final IdTokenVerifier verifier;

  TaskAuthFilter(IdTokenVerifier verifier) {
    this.verifier = verifier;
  }

  @RequestFilter
  @ExecuteOn(TaskExecutors.BLOCKING)
  @Nullable
  HttpResponse<?> authenticate(HttpRequest<?> request) {
    TaskDelivery delivery = TaskDelivery.of(request.getHeaders());
    String path = request.getPath();
    return switch (verifier.verify(bearerToken(request.getHeaders()))) {
      case Verified caller -> {
        LOG.debug("{} {} as {}, {}", request.getMethod(), path, caller.email(), delivery);
        yield null;
      }
      case Rejected refused -> {
        LOG.warn(
            "refused {} {}: {} {} ({})",
            request.getMethod(),
            path,
            refused.reason(),
            refused.detail(),
            delivery);
        yield refusal(refused, path);
      }
    };
  }

  private static HttpResponse<?> refusal(Rejected refused, String path) {
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
          ProblemResponses.of(WorkerProblems.AUTH_UNAVAILABLE, detail, path)
              .header(HttpHeaders.RETRY_AFTER, "5");
    };
  }

  private static @Nullable String bearerToken(HttpHeaders headers) {
    String authorization = headers.get(HttpHeaders.AUTHORIZATION);
    if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
      return null;
    }
    return authorization.substring(BEARER.length()).strip();
  }
}
