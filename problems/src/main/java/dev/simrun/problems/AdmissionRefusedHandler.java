package dev.simrun.problems;

import dev.simrun.shared.simulations.AdmissionRefused;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Work beyond an admission limit: 429 over-limit, with the limit's {@code Retry-After}. */
@Singleton
@Produces
class AdmissionRefusedHandler implements ExceptionHandler<AdmissionRefused, HttpResponse<?>> {
  private final ProblemResponses problems;

  AdmissionRefusedHandler(ProblemResponses problems) {
    this.problems = problems;
  }

  @Override
  @SuppressWarnings("rawtypes") // ExceptionHandler.handle declares the raw HttpRequest
  public HttpResponse<?> handle(HttpRequest request, AdmissionRefused e) {
    return problems.respond(
        request,
        ProblemException.retryLater(ProblemTypes.OVER_LIMIT, e.getMessage(), e.retryAfter()));
  }
}
