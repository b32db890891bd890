package dev.simrun.api.problems;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
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
  public HttpResponse<?> handle(HttpRequest request, ProblemException exception) {
    MutableHttpResponse<?> response = HttpResponse.status(exception.type().status());
    if (exception.retryAfter() != null) {
      response.header(
          HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, exception.retryAfter().toSeconds())));
    } else if (exception.type().status() == HttpStatus.SERVICE_UNAVAILABLE) {
      response.header(HttpHeaders.RETRY_AFTER, "5");
    }
    return problems.processResponse(
        ErrorContext.builder(request).cause(exception).build(), response);
  }
}
