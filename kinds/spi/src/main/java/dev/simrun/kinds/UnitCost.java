package dev.simrun.kinds;

/**
 * What running a kind's work costs, estimated from its parameters alone; the planner sizes chunks
 * from it. Estimates, not promises: within a factor of two or so is good enough.
 *
 * @param cpuNanos computing per unit, on one core
 * @param waitNanos waiting per unit (external calls, modelled latency) with no core busy
 * @param chunkSetupNanos what every chunk costs once before its first unit, whatever its size
 *     (loading or generating the data it reads, preparing indicators)
 */
public record UnitCost(long cpuNanos, long waitNanos, long chunkSetupNanos) {

  public UnitCost {
    if (cpuNanos < 0 || waitNanos < 0 || chunkSetupNanos < 0) {
      throw new IllegalArgumentException(
          "costs cannot be negative: " + cpuNanos + ", " + waitNanos + ", " + chunkSetupNanos);
    }
  }

  /** A unit that computes for {@code cpuNanos} and waits for nothing. */
  public static UnitCost cpu(long cpuNanos) {
    return new UnitCost(cpuNanos, 0, 0);
  }

  /** How long one unit takes from start to end. */
  public long unitNanos() {
    return Math.max(1, cpuNanos + waitNanos);
  }
}
