package dev.simrun.kinds.forecast;

import java.time.Clock;
import java.time.Duration;

/**
 * Stops calling an endpoint that keeps failing. Closed, it lets every call through and counts
 * consecutive failed attempts; at {@code failures} of them it opens. Open, it refuses calls for
 * {@code openFor}; then it is half-open and lets one trial call through (others are refused while
 * it runs): a success closes it, a failure opens it again for another {@code openFor}.
 *
 * <p>Time comes from the injected clock. Thread-safe: the agents of one day run in parallel.
 */
final class CircuitBreaker {

  enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int failures;
  private final Duration openFor;
  private final Clock clock;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private long openedAt;
  private boolean trialRunning;

  CircuitBreaker(int failures, Duration openFor, Clock clock) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be >= 1, got " + failures);
    }
    this.failures = failures;
    this.openFor = openFor;
    this.clock = clock;
  }

  /** True when a call may go out now; the caller then reports how it went, exactly once. */
  synchronized boolean tryAcquire() {
    switch (state) {
      case CLOSED -> {
        return true;
      }
      case OPEN -> {
        if (clock.millis() - openedAt < openFor.toMillis()) {
          return false;
        }
        state = State.HALF_OPEN;
        trialRunning = true;
        return true;
      }
      default -> {
        if (trialRunning) {
          return false;
        }
        trialRunning = true;
        return true;
      }
    }
  }

  synchronized void onSuccess() {
    state = State.CLOSED;
    consecutiveFailures = 0;
    trialRunning = false;
  }

  synchronized void onFailure() {
    trialRunning = false;
    if (state == State.OPEN) {
      return; // a call that went out before another's failure opened the circuit
    }
    if (state == State.HALF_OPEN || ++consecutiveFailures >= failures) {
      state = State.OPEN;
      openedAt = clock.millis();
      consecutiveFailures = 0;
    }
  }

  /** The call went out but its outcome is unknown (the chunk stopped): no verdict. */
  synchronized void onAbandoned() {
    trialRunning = false;
  }

  synchronized State state() {
    return state;
  }
}
