package dev.simrun.emulator.common;

import java.time.Duration;
import java.util.Objects;

/**
 * The retry interval Google documents for Cloud Tasks' and Cloud Scheduler's {@code RetryConfig}
 * alike: it starts at {@code minBackoff}, doubles {@code maxDoublings} times, then grows linearly
 * by the last doubled step, capped at {@code maxBackoff}. With 10 s, 300 s and 3 doublings that
 * gives 10, 20, 40, 80, 160, 240, 300, 300, ...
 */
public record Backoff(Duration minBackoff, Duration maxBackoff, int maxDoublings) {
  public Backoff {
    Objects.requireNonNull(minBackoff);
    Objects.requireNonNull(maxBackoff);
  }

  /** The wait before retry number {@code retry} (1 = the first retry, after the first failure). */
  public Duration interval(int retry) {
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
