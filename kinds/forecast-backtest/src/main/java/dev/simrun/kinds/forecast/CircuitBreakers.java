package dev.simrun.kinds.forecast;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;

/**
 * The circuit breakers of one process, one per (endpoint, breaker settings), shared by every chunk,
 * simulation and agent that calls that endpoint with those settings: a breaker that lived only as
 * long as a chunk would never open when chunks are one day long. Bounded; a breaker not used for an
 * hour is forgotten (closed again).
 */
final class CircuitBreakers {

  static final int MAX_BREAKERS = 1_000;
  static final Duration FORGET_AFTER = Duration.ofHours(1);

  private record Key(String url, int failures, long openMillis) {}

  private final Clock clock;
  private final Cache<Key, CircuitBreaker> breakers =
      Caffeine.newBuilder().maximumSize(MAX_BREAKERS).expireAfterAccess(FORGET_AFTER).build();

  CircuitBreakers(Clock clock) {
    this.clock = clock;
  }

  CircuitBreaker get(String url, int failures, Duration openFor) {
    return breakers.get(
        new Key(url, failures, openFor.toMillis()),
        k -> new CircuitBreaker(failures, openFor, clock));
  }
}
