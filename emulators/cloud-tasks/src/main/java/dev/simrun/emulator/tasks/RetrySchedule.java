package dev.simrun.emulator.tasks;

import com.google.cloud.tasks.v2.RetryConfig;
import com.google.protobuf.util.Durations;
import java.time.Duration;
import java.time.Instant;

/**
 * Cloud Tasks' retry rules for one queue, as documented for {@code RetryConfig}: the interval
 * starts at {@code min_backoff}, doubles {@code max_doublings} times, then grows linearly by the
 * last doubled step, capped at {@code max_backoff}. With 10 s, 300 s and 3 doublings that gives 10,
 * 20, 40, 80, 160, 240, 300, 300, ...
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
    if (retry < 1) {
      throw new IllegalArgumentException("retry counts from 1");
    }
    long min = minBackoff.toNanos();
    long max = maxBackoff.toNanos();
    int doublings = Math.min(retry - 1, maxDoublings);
    long interval = saturatingShift(min, doublings);
    int linearSteps = retry - 1 - doublings;
    if (linearSteps > 0) {
      long step = saturatingShift(min, maxDoublings);
      interval = saturatingAdd(interval, saturatingMultiply(step, linearSteps));
    }
    return Duration.ofNanos(Math.min(interval, max));
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

  private static long saturatingShift(long value, int bits) {
    if (bits >= Long.numberOfLeadingZeros(value) - 1) {
      return Long.MAX_VALUE;
    }
    return value << bits;
  }

  private static long saturatingAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private static long saturatingMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return (hi != 0 || lo < 0) ? Long.MAX_VALUE : lo;
  }
}
