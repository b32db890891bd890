package dev.simrun.shared.simulations;

import java.time.Duration;

/** A submission beyond a limit of {@code simrun.admission}: nothing was stored. */
public class AdmissionRefused extends RuntimeException {
  private final Duration retryAfter;

  public AdmissionRefused(String detail, Duration retryAfter) {
    super(detail, null, false, false);
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
