package dev.simrun.worker.finalize;

/** What one delivery of a finalize task did. */
public sealed interface FinalizeOutcome {

  /** This delivery ended the simulation: SUCCEEDED or PARTIAL with its result, or FAILED. */
  record Finalized() implements FinalizeOutcome {}

  /** Another delivery finalized first (a lost race), or the simulation is not finalizable. */
  record NothingToDo(String why) implements FinalizeOutcome {}

  /** Some chunks have not ended yet: retry later. */
  record Outstanding(int missing, int total) implements FinalizeOutcome {}

  /** The kind's reduce threw: retry. */
  record Failed(String error) implements FinalizeOutcome {}
}
