package dev.simrun.shared.simulations;

import java.util.EnumSet;
import java.util.Map;

/**
 * Where a chunk is. {@link #canBecome} is the one table of allowed changes, and every guarded
 * update of a chunk's status ({@link ChunkTransitions}) takes its "from" set from it, so the table
 * is the rule the database enforces.
 */
public enum ChunkStatus {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  private static final StatusTable<ChunkStatus> TABLE =
      new StatusTable<>(
          ChunkStatus.class,
          Map.of(
              // PENDING -> PENDING: the reconciler dispatches a chunk whose task is lost as a new
              // generation.
              PENDING, EnumSet.of(PENDING, RUNNING, CANCELLED),
              // RUNNING -> RUNNING: a new attempt takes over an expired lease.
              RUNNING, EnumSet.of(RUNNING, SUCCEEDED, FAILED, PENDING, CANCELLED),
              // A replayed dead letter runs a FAILED chunk again...
              FAILED, EnumSet.of(PENDING),
              // ...and, when it resumes a FAILED or PARTIAL simulation, the chunks its failure
              // cancelled (never those of a cancelled simulation: the replay refuses those).
              CANCELLED, EnumSet.of(PENDING),
              SUCCEEDED, EnumSet.noneOf(ChunkStatus.class)));

  /** Whether the table allows this status to change to {@code next}. */
  public boolean canBecome(ChunkStatus next) {
    return TABLE.allows(this, next);
  }

  /** Every status from which {@code next} may be reached, for guarded updates. */
  public static EnumSet<ChunkStatus> from(ChunkStatus next) {
    return TABLE.from(next);
  }

  /**
   * The statuses {@code leaving} for a guarded update to {@code next} that means to leave only
   * those (a release leaves RUNNING, a replay FAILED, both for PENDING).
   *
   * @throws IllegalStateException when the table does not allow one of them: no guard is wider than
   *     the table
   */
  public static EnumSet<ChunkStatus> from(
      ChunkStatus next, ChunkStatus leaving, ChunkStatus... more) {
    return TABLE.from(next, EnumSet.of(leaving, more));
  }

  /** The chunk's current generation has ended (FAILED and CANCELLED may run again as a new one). */
  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
