package dev.simrun.shared.simulations;

import java.util.EnumSet;
import java.util.Map;

/**
 * Where a simulation is in its life. {@link #canBecome} is the one table of allowed changes, and
 * every guarded update of a simulation's status ({@link SimulationTransitions}) takes its "from"
 * set from it, so the table is the rule the database enforces.
 */
public enum SimulationStatus {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLING,
  CANCELLED,
  PARTIAL;

  private static final StatusTable<SimulationStatus> TABLE =
      new StatusTable<>(
          SimulationStatus.class,
          Map.of(
              // QUEUED ends as RUNNING does: finalize and the failure policy act on a simulation
              // that has not ended, whether a claim started it yet or not. A cancel always passes
              // through CANCELLING.
              QUEUED, EnumSet.of(RUNNING, SUCCEEDED, FAILED, CANCELLING, PARTIAL),
              RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLING, PARTIAL),
              CANCELLING, EnumSet.of(CANCELLED),
              // A replayed dead letter runs a FAILED or PARTIAL simulation again.
              FAILED, EnumSet.of(RUNNING),
              PARTIAL, EnumSet.of(RUNNING),
              SUCCEEDED, EnumSet.noneOf(SimulationStatus.class),
              CANCELLED, EnumSet.noneOf(SimulationStatus.class)));

  /** Whether the table allows this status to change to {@code next}. */
  public boolean canBecome(SimulationStatus next) {
    return TABLE.allows(this, next);
  }

  /** Every status from which {@code next} may be reached, for guarded updates. */
  public static EnumSet<SimulationStatus> from(SimulationStatus next) {
    return TABLE.from(next);
  }

  /**
   * The statuses {@code leaving} for a guarded update to {@code next} that means to leave only
   * those (a start leaves QUEUED, a resume FAILED or PARTIAL, both for RUNNING).
   *
   * @throws IllegalStateException when the table does not allow one of them: no guard is wider than
   *     the table
   */
  public static EnumSet<SimulationStatus> from(
      SimulationStatus next, SimulationStatus leaving, SimulationStatus... more) {
    return TABLE.from(next, EnumSet.of(leaving, more));
  }

  /** Chunks are claimed and run only while their simulation is QUEUED or RUNNING. */
  public boolean runsChunks() {
    return this == QUEUED || this == RUNNING;
  }

  /** The statuses in which chunks run ({@link #runsChunks}), for queries. */
  public static EnumSet<SimulationStatus> runningChunks() {
    EnumSet<SimulationStatus> out = EnumSet.noneOf(SimulationStatus.class);
    for (SimulationStatus s : values()) {
      if (s.runsChunks()) {
        out.add(s);
      }
    }
    return out;
  }

  /** The simulation has an outcome (FAILED and PARTIAL may still run again after a replay). */
  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == PARTIAL;
  }
}
