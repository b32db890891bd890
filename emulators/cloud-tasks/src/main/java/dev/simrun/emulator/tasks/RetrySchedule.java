package dev.simrun.emulator.tasks;

import com.google.cloud.tasks.v2.RetryConfig;
import com.google.protobuf.util.Durations;
import dev.simrun.emulator.common.Backoff;
import java.time.Duration;
import java.time.Instant;

/**
 * Cloud Tasks' retry rules for one queue, as documented for {@code RetryConfig}: the {@link
 * Backoff} between attempts, and when retries stop.
 */
record RetrySchedule(
    int maxAttempts,
    Duration maxRetryDuration,
    Duration minBackoff,
    Duration maxBackoff,
    int maxDoublings) {

  static RetrySchedule of(RetryConfig config) {
    return new RetrySchedule(
        config.getMaxAttempts(),
        toDuration(config.getMaxRetryDuration()),
        toDuration(config.getMinBackoff()),
        toDuration(config.getMaxBackoff()),
        config.getMaxDoublings());
  }

  /** The wait before retry number {@code retry} (1 = the first retry, after the first failure). */
  Duration backoff(int retry) {
    return new Backoff(minBackoff, maxBackoff, maxDoublings).interval(retry);
  }

  /**
   * Whether a task that has failed {@code attempts} times, first attempted at {@code firstAttempt},
   * gets no more attempts at {@code now}. Retries stop only when both limits are reached; an unset
   * (zero) {@code max_retry_duration} counts as reached, and {@code max_attempts = -1} never is.
   */
  boolean exhausted(int attempts, Instant firstAttempt, Instant now) {
    boolean attemptsReached = maxAttempts >= 0 && attempts >= maxAttempts;
    boolean durationReached =
        maxRetryDuration.isZero() || !now.isBefore(firstAttempt.plus(maxRetryDuration));
    return attemptsReached && durationReached;
  }

  private static Duration toDuration(com.google.protobuf.Duration duration) {
    return Duration.ofNanos(Durations.toNanos(duration));
  }
}
