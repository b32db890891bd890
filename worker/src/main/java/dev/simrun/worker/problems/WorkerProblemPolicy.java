package dev.simrun.worker.problems;

import dev.simrun.problems.ProblemPolicy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;

/**
 * Cloud Tasks calls the worker and paces its retries with the queue's backoff; a {@code
 * Retry-After} would override that for the task, so a 503 sends none unless it names its own.
 */
@Singleton
class WorkerProblemPolicy implements ProblemPolicy {

  @Override
  public String databaseUnavailable() {
    return "the database cannot be reached; nothing was changed";
  }

  @Override
  public Optional<Duration> retryAfterUnavailable() {
    return Optional.empty();
  }
}
