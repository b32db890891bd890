package dev.simrun.api.datasets;

import dev.simrun.api.limits.LimitMetrics;
import dev.simrun.api.problems.ApiProblems;
import dev.simrun.problems.ProblemException;
import dev.simrun.problems.ProblemResponses;
import dev.simrun.shared.datasets.StorageQuotaExceeded;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** An upload beyond its owner's storage quota: 413 storage-quota-exceeded, saying what to do. */
@Singleton
@Produces
class StorageQuotaHandler implements ExceptionHandler<StorageQuotaExceeded, HttpResponse<?>> {
  private final ProblemResponses problems;
  private final LimitMetrics limits;

  StorageQuotaHandler(ProblemResponses problems, LimitMetrics limits) {
    this.problems = problems;
    this.limits = limits;
  }

  @Override
  @SuppressWarnings("rawtypes") // ExceptionHandler.handle declares the raw HttpRequest
  public HttpResponse<?> handle(HttpRequest request, StorageQuotaExceeded e) {
    limits.refused(LimitMetrics.DATASETS_PER_OWNER);
    return problems.respond(
        request, new ProblemException(ApiProblems.STORAGE_QUOTA_EXCEEDED, e.getMessage()));
  }
}
