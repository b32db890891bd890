package dev.simrun.problems;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Hands {@link ProblemException}s to {@link ProblemResponses}, like Micronaut's own handlers. */
@Singleton
@Produces
class ProblemExceptionHandler implements ExceptionHandler<ProblemException, HttpResponse<?>> {
  private final ProblemResponses problems;

  ProblemExceptionHandler(ProblemResponses problems) {
    this.problems = problems;
  }

  @Override
  @SuppressWarnings("rawtypes") // ExceptionHandler.handle declares the raw HttpRequest
  public HttpResponse<?> handle(HttpRequest request, ProblemException exception) {
    return problems.respond(request, exception);
  }
}
