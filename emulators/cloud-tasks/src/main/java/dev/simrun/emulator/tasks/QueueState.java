package dev.simrun.emulator.tasks;

import com.google.cloud.tasks.v2.Queue;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/** One queue and its tasks. Guarded by the emulator's lock. */
final class QueueState {
  private static final Comparator<TaskState> BY_SCHEDULE =
      Comparator.<TaskState, Instant>comparing(t -> t.scheduleTime).thenComparingLong(t -> t.seq);

  final String name;
  Queue config;
  RetrySchedule retry;
  final TokenBucket bucket;
  final Map<String, TaskState> tasks = new HashMap<>();

  /** Tasks waiting for dispatch (not in flight), by schedule time. */
  final TreeSet<TaskState> waiting = new TreeSet<>(BY_SCHEDULE);

  int inFlight;

  FaultPlan faults;
  final QueueStats stats = new QueueStats();

  QueueState(String name, Queue config, long nowNanos) {
    this.name = name;
    this.config = config;
    this.retry = RetrySchedule.of(config.getRetryConfig());
    this.bucket =
        new TokenBucket(
            config.getRateLimits().getMaxDispatchesPerSecond(),
            config.getRateLimits().getMaxBurstSize(),
            nowNanos);
  }

  void reconfigure(Queue config) {
    this.config = config;
    this.retry = RetrySchedule.of(config.getRetryConfig());
    bucket.reconfigure(
        config.getRateLimits().getMaxDispatchesPerSecond(),
        config.getRateLimits().getMaxBurstSize());
  }

  boolean running() {
    return config.getState() == Queue.State.RUNNING;
  }

  int maxConcurrent() {
    return config.getRateLimits().getMaxConcurrentDispatches();
  }

  void enqueue(TaskState task) {
    waiting.add(task);
  }

  void unqueue(TaskState task) {
    waiting.remove(task);
  }

  /** Mutable counters for the stats endpoint. */
  static final class QueueStats {
    long attempts;
    long successes;
    long failures;
    long deletedAfterRetries;
    long duplicatesInjected;
    long responsesDropped;
  }
}
