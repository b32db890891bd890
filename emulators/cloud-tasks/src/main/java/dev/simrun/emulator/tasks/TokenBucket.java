package dev.simrun.emulator.tasks;

/**
 * The token bucket behind {@code RateLimits}: holds up to {@code burst} tokens, refilled
 * continuously at {@code rate} per second; each dispatch takes one. The rate may be lowered
 * temporarily when the target answers 429 or 503, see {@link #throttle()} and {@link #recover()}.
 */
final class TokenBucket {
  private static final double MIN_FACTOR = 1.0 / 64;

  private double rate;
  private int burst;
  private double factor = 1.0;
  private double tokens;
  private long lastRefillNanos;

  TokenBucket(double rate, int burst, long nowNanos) {
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
    this.lastRefillNanos = nowNanos;
  }

  void reconfigure(double rate, int burst) {
    this.rate = rate;
    this.burst = burst;
    this.tokens = Math.min(tokens, burst);
  }

  boolean tryTake(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1.0) {
      tokens -= 1.0;
      return true;
    }
    return false;
  }

  /** Nanoseconds until the next token is available; 0 when one is there now. */
  long nanosUntilToken(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1.0) {
      return 0;
    }
    double perSecond = effectiveRate();
    if (perSecond <= 0) {
      return Long.MAX_VALUE;
    }
    return (long) Math.ceil((1.0 - tokens) / perSecond * 1e9);
  }

  /** The target pushed back (429/503): halve the effective rate, down to 1/64 of the configured. */
  void throttle() {
    factor = Math.max(MIN_FACTOR, factor / 2);
  }

  /** A success: grow the effective rate back towards the configured one. */
  void recover() {
    factor = Math.min(1.0, factor * 1.05);
  }

  double effectiveRate() {
    return rate * factor;
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - lastRefillNanos;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed / 1e9 * effectiveRate());
      lastRefillNanos = nowNanos;
    }
  }
}
