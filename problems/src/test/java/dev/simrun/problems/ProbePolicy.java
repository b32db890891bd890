package dev.simrun.problems;

import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;

/** A service's policy, with or without a {@code Retry-After} on 503 ({@code probe.retry-after}). */
@Singleton
class ProbePolicy implements ProblemPolicy {
  private final Optional<Duration> retryAfter;

  ProbePolicy(@Property(name = "probe.retry-after") @Nullable Duration retryAfter) {
    this.retryAfter = Optional.ofNullable(retryAfter);
  }

  @Override
  public String databaseUnavailable() {
    return "the database cannot be reached";
  }

  @Override
  public Optional<Duration> retryAfterUnavailable() {
    return retryAfter;
  }
}
