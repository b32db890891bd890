package dev.simrun.emulator.tasks;

/**
 * Faults injected into dispatch, for reliability tests; all off by default.
 *
 * @param duplicateDelivery probability that an attempt is delivered a second time, right after the
 *     first delivery finished
 * @param concurrentDuplicate probability that an attempt is delivered twice at the same moment
 * @param dropResponse probability that a 2xx answer is treated as lost: the handler ran, yet the
 *     attempt counts as failed and the task is retried
 */
public record FaultPlan(double duplicateDelivery, double concurrentDuplicate, double dropResponse) {
  public static final FaultPlan NONE = new FaultPlan(0, 0, 0);

  public FaultPlan {
    check("duplicateDelivery", duplicateDelivery);
    check("concurrentDuplicate", concurrentDuplicate);
    check("dropResponse", dropResponse);
  }

  public boolean isNone() {
    return duplicateDelivery == 0 && concurrentDuplicate == 0 && dropResponse == 0;
  }

  private static void check(String name, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(name + " must be a probability in [0, 1], was " + p);
    }
  }
}
