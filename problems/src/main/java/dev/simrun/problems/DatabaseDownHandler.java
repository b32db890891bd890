package dev.simrun.problems;

import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No connection to PostgreSQL: an expected outage, not a bug. One warning line per request instead
 * of Micronaut's error with a stack trace; the answer is {@link ProblemResponses}'s 503 (which
 * Cloud Tasks retries with backoff, and a person or script after {@code Retry-After}).
 */
@Singleton
@Produces
class DatabaseDownHandler
    implements ExceptionHandler<CannotGetJdbcConnectionException, HttpResponse<?>> {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseDownHandler.class);

  private final ProblemResponses problems;

  DatabaseDownHandler(ProblemResponses problems) {
    this.problems = problems;
  }

  @Override
  @SuppressWarnings("rawtypes") // ExceptionHandler.handle declares the raw HttpRequest
  public HttpResponse<?> handle(HttpRequest request, CannotGetJdbcConnectionException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    LOG.warn(
        "{} {}: database unavailable ({})",
        request.getMethod(),
        request.getPath(),
        root.toString());
    return problems.processResponse(
        ErrorContext.builder(request).cause(e).build(), HttpResponse.serverError());
  }
}
