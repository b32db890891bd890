package dev.simrun.emulator.tasks;

import com.google.cloud.tasks.v2.Attempt;
import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.Task;
import java.time.Duration;
import java.time.Instant;

/**
 * One task held by the emulator, with the bookkeeping Cloud Tasks keeps for it. Guarded by the
 * emulator's lock.
 */
final class TaskState {
  final String name;
  final QueueState queue;
  final HttpRequest request;
  final Instant createTime;
  final Duration dispatchDeadline;
  final long seq;

  Instant scheduleTime;
  int dispatchCount;
  int responseCount;

  /** Attempts that got a response other than 5xx: X-CloudTasks-TaskExecutionCount. */
  int executionCount;

  Attempt firstAttempt;
  Attempt lastAttempt;
  Integer previousResponse;
  String retryReason;

  /** Attempts under way; RunTask may start one while another runs. */
  int inFlight;

  Instant firstAttemptTime;
  boolean gone;

  TaskState(
      String name,
      QueueState queue,
      HttpRequest request,
      Instant createTime,
      Instant scheduleTime,
      Duration dispatchDeadline,
      long seq) {
    this.name = name;
    this.queue = queue;
    this.request = request;
    this.createTime = createTime;
    this.scheduleTime = scheduleTime;
    this.dispatchDeadline = dispatchDeadline;
    this.seq = seq;
  }

  Task toProto(Task.View view) {
    HttpRequest http = view == Task.View.FULL ? request : request.toBuilder().clearBody().build();
    Task.Builder b =
        Task.newBuilder()
            .setName(name)
            .setHttpRequest(http)
            .setScheduleTime(Protos.timestamp(scheduleTime))
            .setCreateTime(Protos.timestamp(createTime))
            .setDispatchDeadline(Protos.duration(dispatchDeadline))
            .setDispatchCount(dispatchCount)
            .setResponseCount(responseCount)
            .setView(view == Task.View.FULL ? Task.View.FULL : Task.View.BASIC);
    if (firstAttempt != null) {
      b.setFirstAttempt(firstAttempt);
    }
    if (lastAttempt != null) {
      b.setLastAttempt(lastAttempt);
    }
    return b.build();
  }
}
