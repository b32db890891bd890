package dev.simrun.emulator.scheduler;

/**
 * One push to make, taken from {@link Jobs} under its lock and sent outside it.
 *
 * @param job the job as it was when the attempt started (its target, headers and deadline)
 * @param number 1 for an execution's first attempt, 2 for its first retry, ...
 * @param copies 2 when a concurrent duplicate is injected
 * @param sequentialDuplicate whether the attempt is delivered again once it finished
 */
record Attempt(
    JobState state,
    JobSpec job,
    Execution execution,
    int number,
    int copies,
    boolean sequentialDuplicate) {}
