package dev.simrun.shared.simulations;

import java.time.Duration;

/** A submission beyond a limit of {@code simrun.admission}: nothing was stored. */
public class AdmissionRefused extends RuntimeException {
  /** Too many chunks waiting or running, of every owner. */
  public static final String QUEUED_CHUNKS = "queued_chunks";

  /** The owner holds as many unfinished simulations as it may. */
  public static final String ACTIVE_SIMULATIONS_PER_OWNER = "active_simulations_per_owner";

  private final String limit;
  private final Duration retryAfter;

  public AdmissionRefused(String detail, Duration retryAfter) {
    this("admission", detail, retryAfter);
  }

  /**
   * @param limit which limit refused it, a bounded name for metrics ({@link #QUEUED_CHUNKS}, {@link
   *     #ACTIVE_SIMULATIONS_PER_OWNER})
   */
  public AdmissionRefused(String limit, String detail, Duration retryAfter) {
    super(detail, null, false, false);
    this.limit = limit;
    this.retryAfter = retryAfter;
  }

  public String limit() {
    return limit;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
