package dev.simrun.emulator.scheduler;

import java.time.Instant;

/**
 * One execution of a job: a schedule time (or a forced run) and its attempts, which all carry the
 * same {@code X-CloudScheduler-ScheduleTime}. Guarded by the {@link Jobs} lock.
 */
final class Execution {
  final Instant scheduleTime;
  final boolean forced;
  int attempts;
  Instant firstAttempt;
  Instant nextAttempt;
  boolean inFlight;

  Execution(Instant scheduleTime, boolean forced, Instant firstAttemptDue) {
    this.scheduleTime = scheduleTime;
    this.forced = forced;
    this.nextAttempt = firstAttemptDue;
  }

  boolean due(Instant now) {
    return !inFlight && nextAttempt != null && !nextAttempt.isAfter(now);
  }
}
