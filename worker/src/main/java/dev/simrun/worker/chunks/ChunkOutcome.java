package dev.simrun.worker.chunks;

import dev.simrun.shared.deadletters.DeadLetter;
import java.time.Instant;

/** What one delivery of a chunk task did. */
public sealed interface ChunkOutcome {

  /** Ran as {@code attempt} and stored the result; {@code completedSimulation} if it was last. */
  record Committed(int attempt, boolean completedSimulation) implements ChunkOutcome {}

  /** Finished, stale, unknown or of a finished simulation: a duplicate, done. */
  record NothingToDo(String why) implements ChunkOutcome {}

  /** Ran as {@code attempt}, but a newer attempt took the chunk over: the result was dropped. */
  record Superseded(int attempt) implements ChunkOutcome {}

  /** Another attempt holds a live lease: retry later. */
  record Busy(Instant leaseUntil) implements ChunkOutcome {}

  /** The simulation is being cancelled and the kind stopped: the chunk is CANCELLED. */
  record Cancelled(int attempt) implements ChunkOutcome {}

  /** The attempt failed and the chunk was given back, so that a retry runs it as a new attempt. */
  record Failed(int attempt, String error) implements ChunkOutcome {}

  /** The attempt ran past the hard time limit: abandoned, the chunk given back for a retry. */
  record TimedOut(int attempt, String error) implements ChunkOutcome {}

  /**
   * The chunk failed for good (its last attempt, or a permanent failure): it is FAILED, and the
   * dead letter records it for an operator to replay or discard.
   */
  record DeadLettered(int attempt, DeadLetter deadLetter) implements ChunkOutcome {}
}
