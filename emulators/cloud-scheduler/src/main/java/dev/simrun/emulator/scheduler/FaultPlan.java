package dev.simrun.emulator.scheduler;

/**
 * Faults injected into pushes, so a receiver's idempotency per schedule time can be tested; off by
 * default.
 *
 * @param duplicateDelivery probability that an attempt is delivered a second time, with the same
 *     schedule time, right after the first delivery finished
 * @param concurrentDuplicate probability that an attempt is delivered twice at the same moment
 */
public record FaultPlan(double duplicateDelivery, double concurrentDuplicate) {
  public static final FaultPlan NONE = new FaultPlan(0, 0);

  public FaultPlan {
    check("duplicateDelivery", duplicateDelivery);
    check("concurrentDuplicate", concurrentDuplicate);
  }

  private static void check(String name, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(name + " must be a probability in [0, 1], was " + p);
    }
  }
}
