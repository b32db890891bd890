package dev.simrun.worker.chunks;

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

  /** Cannot ever run as stored (unknown kind, unreadable parameters): retrying will not help. */
  record Unrunnable(int attempt, String why) implements ChunkOutcome {}

  /** The simulation is being cancelled and the kind stopped: the chunk is CANCELLED. */
  record Cancelled(int attempt) implements ChunkOutcome {}

  /** The kind threw; the chunk was given back so that a retry runs it as a new attempt. */
  record Failed(int attempt, String error) implements ChunkOutcome {}
}
