package dev.simrun.shared.simulations;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Where a simulation is in its life; changes only along {@link #canBecome}. */
public enum SimulationStatus {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLING,
  CANCELLED,
  PARTIAL;

  private static final Map<SimulationStatus, Set<SimulationStatus>> ALLOWED =
      Map.of(
          QUEUED, EnumSet.of(RUNNING, SUCCEEDED, FAILED, CANCELLING, CANCELLED, PARTIAL),
          RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLING, PARTIAL),
          CANCELLING, EnumSet.of(CANCELLED),
          FAILED, EnumSet.of(RUNNING),
          PARTIAL, EnumSet.of(RUNNING),
          SUCCEEDED, EnumSet.noneOf(SimulationStatus.class),
          CANCELLED, EnumSet.noneOf(SimulationStatus.class));

  /** The one table of allowed changes (FAILED/PARTIAL may run again when a dead letter replays). */
  public boolean canBecome(SimulationStatus next) {
    return ALLOWED.get(this).contains(next);
  }

  /** Every status from which {@code next} may be reached, for guarded updates. */
  public static Set<SimulationStatus> from(SimulationStatus next) {
    Set<SimulationStatus> out = EnumSet.noneOf(SimulationStatus.class);
    for (SimulationStatus s : values()) {
      if (s.canBecome(next)) {
        out.add(s);
      }
    }
    return out;
  }

  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == PARTIAL;
  }
}
