package dev.simrun.api.batches;

/** Where a batch run is. Only RUNNING is not an end; a FAILED run may go on (see reopenable). */
public enum RunStatus {
  /** Its simulations were created and have not all ended. */
  RUNNING,
  /** Every simulation SUCCEEDED. */
  SUCCEEDED,
  /**
   * A simulation did not succeed, or one of the first failFastFirst failed and the rest stopped.
   */
  FAILED,
  /** Stopped by a later run (overlap cancelPrevious) or by an operator. */
  CANCELLED,
  /** Still going at its deadline: its simulations were cancelled. */
  TIMED_OUT,
  /** Not started: an earlier run was still going and the batch's overlap is skip. */
  SKIPPED,
  /** Not started: its schedule time was older than simrun.batches.missed-after. */
  MISSED
}
