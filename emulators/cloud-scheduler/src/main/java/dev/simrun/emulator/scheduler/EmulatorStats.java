package dev.simrun.emulator.scheduler;

import java.util.Map;

/** Counters of pushes, in total and per job, as served at {@code /emulator/v1/stats}. */
public record EmulatorStats(
    long attempts, long successes, long failures, long inFlight, Map<String, Job> jobs) {

  /**
   * One job's counters.
   *
   * @param executions schedule times (and forced runs) started
   * @param attempts pushes made, retries included, injected duplicates not
   * @param duplicatesInjected extra deliveries made by the fault plan
   */
  public record Job(
      String state,
      long executions,
      long attempts,
      long successes,
      long failures,
      long inFlight,
      long duplicatesInjected) {}

  static EmulatorStats of(Map<String, Job> jobs) {
    long attempts = 0, successes = 0, failures = 0, inFlight = 0;
    for (Job j : jobs.values()) {
      attempts += j.attempts();
      successes += j.successes();
      failures += j.failures();
      inFlight += j.inFlight();
    }
    return new EmulatorStats(attempts, successes, failures, inFlight, Map.copyOf(jobs));
  }
}
