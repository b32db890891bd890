package dev.simrun.emulator.tasks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The emulator's own controls, beyond the Cloud Tasks API: fault plans, and counters to read. */
final class FaultsAndStats {
  private final TaskQueues state;

  FaultsAndStats(TaskQueues state) {
    this.state = state;
  }

  /** Sets the global plan (queueName null), or a queue's own plan (null: follow the global). */
  void setFaults(String queueName, FaultPlan plan) {
    state.locked(
        () -> {
          if (queueName == null) {
            state.globalFaults = Objects.requireNonNull(plan);
          } else {
            state.queue(Names.queue(queueName)).faults = plan;
          }
          return null;
        });
  }

  EmulatorStats stats() {
    return state.locked(
        () -> {
          Map<String, EmulatorStats.Queue> perQueue = new LinkedHashMap<>();
          for (QueueState q : state.queues.values()) {
            var s = q.stats;
            perQueue.put(
                q.name,
                new EmulatorStats.Queue(
                    q.config.getState().name(),
                    q.tasks.size(),
                    q.inFlight,
                    s.attempts,
                    s.successes,
                    s.failures,
                    s.deletedAfterRetries,
                    s.duplicatesInjected,
                    s.responsesDropped,
                    q.bucket.effectiveRate()));
          }
          return EmulatorStats.of(perQueue);
        });
  }
}
