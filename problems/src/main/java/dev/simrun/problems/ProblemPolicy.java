package dev.simrun.problems;

import java.time.Duration;
import java.util.Optional;

/**
 * What differs between the services in how they answer a problem, because their callers differ:
 * people and scripts retry when told to, Cloud Tasks retries on its own. Each service has one bean.
 */
public interface ProblemPolicy {

  /** The {@code detail} of a {@link ProblemTypes#DATABASE_UNAVAILABLE} answer. */
  String databaseUnavailable();

  /** The {@code Retry-After} of a 503 that names none itself, or empty to send none. */
  Optional<Duration> retryAfterUnavailable();
}
