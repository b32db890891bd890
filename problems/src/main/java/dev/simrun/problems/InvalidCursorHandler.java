package dev.simrun.problems;

import dev.simrun.shared.simulations.KeysetCursor.InvalidCursorException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** A {@code cursor} that no page handed out: 400 naming the parameter, on every listing route. */
@Singleton
@Produces
class InvalidCursorHandler implements ExceptionHandler<InvalidCursorException, HttpResponse<?>> {
  private final ProblemResponses problems;

  InvalidCursorHandler(ProblemResponses problems) {
    this.problems = problems;
  }

  @Override
  @SuppressWarnings("rawtypes") // ExceptionHandler.handle declares the raw HttpRequest
  public HttpResponse<?> handle(HttpRequest request, InvalidCursorException e) {
    return problems.respond(
        request,
        ProblemException.badParameter("cursor", "is not a cursor this service handed out"));
  }
}
