package dev.simrun.emulator.scheduler;

import com.google.cloud.scheduler.v1.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One job: its spec, its output fields, its running executions. Guarded by the {@link Jobs} lock.
 */
final class JobState {
  final String name;
  JobSpec spec;
  Job.State state = Job.State.ENABLED;
  Instant userUpdateTime;

  /** The next scheduled execution's time; a past one waits for the running execution to end. */
  Instant scheduleTime;

  Instant lastAttemptTime;
  com.google.rpc.Status status;

  /** The execution of a schedule time; at most one, as Cloud Scheduler allows. */
  Execution scheduled;

  /** RunJob's executions, which go beside the schedule. */
  final List<Execution> forced = new ArrayList<>();

  FaultPlan faults;
  long executions;
  long attempts;
  long successes;
  long failures;
  long duplicatesInjected;

  JobState(String name) {
    this.name = name;
  }

  List<Execution> running() {
    List<Execution> all = new ArrayList<>(forced.size() + 1);
    if (scheduled != null) {
      all.add(scheduled);
    }
    all.addAll(forced);
    return all;
  }

  long inFlight() {
    return running().stream().filter(e -> e.inFlight).count();
  }

  Job toProto() {
    Job.Builder b = spec.job().toBuilder().setName(name).setState(state);
    b.setUserUpdateTime(Protos.timestamp(userUpdateTime));
    if (scheduleTime != null) {
      b.setScheduleTime(Protos.timestamp(scheduleTime));
    }
    if (lastAttemptTime != null) {
      b.setLastAttemptTime(Protos.timestamp(lastAttemptTime));
    }
    if (status != null) {
      b.setStatus(status);
    }
    return b.build();
  }
}
