package dev.simrun.shared.simulations;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Where a chunk is; changes only along {@link #canBecome}. */
public enum ChunkStatus {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  private static final Map<ChunkStatus, Set<ChunkStatus>> ALLOWED =
      Map.of(
          PENDING, EnumSet.of(RUNNING, CANCELLED),
          // RUNNING -> RUNNING: a new attempt takes over an expired lease.
          RUNNING, EnumSet.of(RUNNING, SUCCEEDED, FAILED, PENDING, CANCELLED),
          FAILED, EnumSet.of(PENDING),
          SUCCEEDED, EnumSet.noneOf(ChunkStatus.class),
          CANCELLED, EnumSet.noneOf(ChunkStatus.class));

  public boolean canBecome(ChunkStatus next) {
    return ALLOWED.get(this).contains(next);
  }

  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
