package dev.simrun.worker.finalize;

/** What one delivery of a finalize task did. */
public sealed interface FinalizeOutcome {

  /** This delivery stored the final result: the simulation SUCCEEDED. */
  record Finalized() implements FinalizeOutcome {}

  /** Another delivery finalized first (a lost race), or the simulation is not finalizable. */
  record NothingToDo(String why) implements FinalizeOutcome {}

  /** Some chunks have not succeeded yet: retry later. */
  record Outstanding(int missing, int total) implements FinalizeOutcome {}

  /** Cannot ever finalize as stored (unknown kind, unreadable parameters). */
  record Unrunnable(String why) implements FinalizeOutcome {}

  /** The kind's reduce threw: retry. */
  record Failed(String error) implements FinalizeOutcome {}
}
