package dev.simrun.api.simulations;

import dev.simrun.kinds.FieldError;
import dev.simrun.problems.ProblemException;
import dev.simrun.problems.ProblemResponses;
import dev.simrun.shared.simulations.NoSuchDataset;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * A submit whose dataset was deleted after it was validated: 422, as if it had been gone before.
 */
@Singleton
@Produces
class NoSuchDatasetHandler implements ExceptionHandler<NoSuchDataset, HttpResponse<?>> {
  private final ProblemResponses problems;

  NoSuchDatasetHandler(ProblemResponses problems) {
    this.problems = problems;
  }

  @Override
  @SuppressWarnings("rawtypes") // ExceptionHandler.handle declares the raw HttpRequest
  public HttpResponse<?> handle(HttpRequest request, NoSuchDataset e) {
    return problems.respond(
        request, ProblemException.invalid(List.of(new FieldError("params", e.getMessage()))));
  }
}
