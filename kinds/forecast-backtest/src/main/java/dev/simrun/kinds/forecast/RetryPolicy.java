package dev.simrun.kinds.forecast;

import java.time.Duration;

/**
 * How an {@code http} agent retries a failed attempt: up to {@code retries} more attempts, waiting
 * {@code backoff × 2^(k-1)} before the k-th retry, with no jitter (the waits are the same every
 * run).
 *
 * @param timeout the limit of one attempt, from sending the request to the last byte of the answer
 */
record RetryPolicy(Duration timeout, int retries, Duration backoff) {

  int maxAttempts() {
    return retries + 1;
  }

  /** The wait before retry {@code k} (1 for the second attempt). */
  Duration backoffBefore(int k) {
    return backoff.multipliedBy(1L << (k - 1));
  }

  /** The longest all attempts and waits together can take. */
  Duration worstCase() {
    Duration total = timeout.multipliedBy(maxAttempts());
    for (int k = 1; k <= retries; k++) {
      total = total.plus(backoffBefore(k));
    }
    return total;
  }
}
