package dev.simrun.api.problems;

import dev.simrun.problems.ProblemPolicy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;

/** People and scripts call the api: a 503 tells them when to try again. */
@Singleton
class ApiProblemPolicy implements ProblemPolicy {
  private static final Optional<Duration> RETRY_AFTER = Optional.of(Duration.ofSeconds(5));

  @Override
  public String databaseUnavailable() {
    return "the database cannot be reached right now; nothing was changed, try again shortly";
  }

  @Override
  public Optional<Duration> retryAfterUnavailable() {
    return RETRY_AFTER;
  }
}
