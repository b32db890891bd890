package dev.simrun.emulator.tasks;

import java.util.Map;

/** Counters of dispatch, in total and per queue, as served at {@code /emulator/v1/stats}. */
public record EmulatorStats(
    long attempts,
    long successes,
    long failures,
    long inFlight,
    long tasks,
    Map<String, Queue> queues) {

  /** One queue's counters. */
  public record Queue(
      String state,
      long tasks,
      long inFlight,
      long attempts,
      long successes,
      long failures,
      long deletedAfterRetries,
      long duplicatesInjected,
      long responsesDropped,
      double effectiveDispatchesPerSecond) {}

  static EmulatorStats of(Map<String, Queue> queues) {
    long attempts = 0, successes = 0, failures = 0, inFlight = 0, tasks = 0;
    for (Queue q : queues.values()) {
      attempts += q.attempts();
      successes += q.successes();
      failures += q.failures();
      inFlight += q.inFlight();
      tasks += q.tasks();
    }
    return new EmulatorStats(attempts, successes, failures, inFlight, tasks, Map.copyOf(queues));
  }
}
