package dev.simrun.emulator.tasks;

import com.google.cloud.tasks.v2.Attempt;
import dev.simrun.emulator.common.GoogleRest;
import io.grpc.Status;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions of dispatch: which attempts are due under the queues' state and rate limits, what
 * an attempt carries (Cloud Tasks' headers, injected faults), and what its outcome does to its
 * task: done, retried after a backoff, or given up.
 */
final class Attempts {
  private static final Logger LOG = LoggerFactory.getLogger(Attempts.class);
  private static final Logger DISPATCH_LOG = LoggerFactory.getLogger("simrun.emulator.dispatch");

  private final TaskQueues state;

  Attempts(TaskQueues state) {
    this.state = state;
  }

  /**
   * Starts every attempt that is due now and allowed by the queues' state and rate limits, and
   * tells when to look again.
   */
  Due takeDue(List<Dispatch> out) {
    return state.locked(
        () -> {
          Instant now = state.clock().instant();
          long nowNanos = TaskQueues.nanos(now);
          Instant next = Instant.MAX;
          for (QueueState q : state.queues.values()) {
            if (!q.running() || q.waiting.isEmpty()) {
              continue;
            }
            while (!q.waiting.isEmpty()) {
              TaskState head = q.waiting.first();
              if (head.scheduleTime.isAfter(now)) {
                next = min(next, head.scheduleTime);
                break;
              }
              if (q.inFlight >= q.maxConcurrent()) {
                break; // a completion signals
              }
              if (!q.bucket.tryTake(nowNanos)) {
                long wait = q.bucket.nanosUntilToken(nowNanos);
                if (wait != Long.MAX_VALUE) {
                  next = min(next, now.plusNanos(wait));
                }
                break;
              }
              q.waiting.pollFirst();
              out.add(start(head, now));
            }
          }
          state.expireReservations(now);
          return new Due(next, state.version());
        });
  }

  /** When to look for due tasks again, and the state version that answer was based on. */
  record Due(Instant next, long version) {}

  /** Starts an attempt of {@code task}, which is no longer waiting; under the lock. */
  Dispatch start(TaskState task, Instant now) {
    QueueState q = task.queue;
    Map<String, String> headers = new LinkedHashMap<>(task.request.getHeadersMap());
    headers.put("User-Agent", "Google-Cloud-Tasks");
    headers.put("X-CloudTasks-QueueName", Names.shortName(q.name));
    headers.put("X-CloudTasks-TaskName", Names.shortName(task.name));
    headers.put("X-CloudTasks-TaskRetryCount", Integer.toString(task.dispatchCount));
    headers.put("X-CloudTasks-TaskExecutionCount", Integer.toString(task.executionCount));
    headers.put("X-CloudTasks-TaskETA", eta(task.scheduleTime));
    if (task.previousResponse != null) {
      headers.put("X-CloudTasks-TaskPreviousResponse", Integer.toString(task.previousResponse));
    }
    if (task.retryReason != null) {
      headers.put("X-CloudTasks-TaskRetryReason", task.retryReason);
    }
    task.dispatchCount++;
    task.inFlight++;
    q.inFlight++;
    q.stats.attempts++;
    if (task.firstAttemptTime == null) {
      task.firstAttemptTime = now;
      task.firstAttempt = Attempt.newBuilder().setDispatchTime(Protos.timestamp(now)).build();
    }
    FaultPlan faults = q.faults != null ? q.faults : state.globalFaults;
    boolean concurrent = state.chance(faults.concurrentDuplicate());
    boolean sequential = !concurrent && state.chance(faults.duplicateDelivery());
    boolean drop = state.chance(faults.dropResponse());
    if (concurrent || sequential) {
      q.stats.duplicatesInjected++;
    }
    return new Dispatch(
        task,
        task.scheduleTime,
        now,
        task.request,
        Map.copyOf(headers),
        task.dispatchDeadline,
        task.dispatchCount,
        concurrent ? 2 : 1,
        sequential,
        drop);
  }

  /** Applies what came of an attempt to its task: done, retried later, or given up. */
  void complete(Dispatch dispatch, Dispatch.Outcome outcome, long latencyMillis) {
    state.locked(
        () -> {
          Instant now = state.clock().instant();
          TaskState task = dispatch.task();
          QueueState q = task.queue;
          q.inFlight--;
          task.inFlight--;
          state.bump();
          boolean dropped = dispatch.dropResponse() && outcome.success();
          String result;
          if (task.gone) {
            result = "task-deleted-meanwhile";
          } else {
            Attempt.Builder attempt =
                Attempt.newBuilder()
                    .setScheduleTime(Protos.timestamp(dispatch.scheduledFor()))
                    .setDispatchTime(Protos.timestamp(dispatch.dispatchTime()))
                    .setResponseTime(Protos.timestamp(now))
                    .setResponseStatus(rpcStatus(outcome, dropped));
            task.lastAttempt = attempt.build();
            if (outcome.status() != null && !dropped) {
              task.responseCount++;
              if (outcome.status() < 500) {
                task.executionCount++;
              }
            }
            if (outcome.success() && !dropped) {
              q.stats.successes++;
              q.bucket.recover();
              state.remove(task);
              result = "success";
            } else {
              q.stats.failures++;
              if (dropped) {
                q.stats.responsesDropped++;
              }
              result = retryOrGiveUp(task, outcome, dropped, now);
            }
          }
          logAttempt(dispatch, outcome, dropped, result, latencyMillis);
          return null;
        });
  }

  private String retryOrGiveUp(
      TaskState task, Dispatch.Outcome outcome, boolean dropped, Instant now) {
    QueueState q = task.queue;
    Integer status = dropped ? null : outcome.status();
    task.previousResponse = status;
    task.retryReason =
        status != null ? "HTTP_" + status : dropped ? "CONNECTION_ERROR" : outcome.failure();
    // System throttling: 429 and 503 lower the queue's effective rate for a while; Retry-After
    // only delays this task's next attempt (README, "How it behaves").
    if (status != null && (status == 429 || status == 503)) {
      q.bucket.throttle();
    }
    if (task.inFlight > 0) {
      return "retry-pending-other-attempt";
    }
    if (q.retry.exhausted(task.dispatchCount, task.firstAttemptTime, now)) {
      q.stats.deletedAfterRetries++;
      state.remove(task);
      LOG.info("task {} deleted after {} attempts", task.name, task.dispatchCount);
      return "deleted-after-retries";
    }
    Instant next = now.plus(q.retry.backoff(task.dispatchCount));
    if (status != null && outcome.retryAfter() != null) {
      Instant after = now.plus(outcome.retryAfter());
      if (after.isAfter(next)) {
        next = after;
      }
    }
    task.scheduleTime = next;
    q.enqueue(task);
    return "retry-scheduled";
  }

  private static com.google.rpc.Status rpcStatus(Dispatch.Outcome outcome, boolean dropped) {
    Status.Code code;
    String message;
    if (dropped) {
      code = Status.Code.UNAVAILABLE;
      message = "the response was lost (injected fault)";
    } else if (outcome.status() == null) {
      code =
          "DEADLINE_EXCEEDED".equals(outcome.failure())
              ? Status.Code.DEADLINE_EXCEEDED
              : Status.Code.UNAVAILABLE;
      message = outcome.detail() == null ? outcome.failure() : outcome.detail();
    } else {
      code = httpToCode(outcome.status());
      message = "HTTP " + outcome.status();
    }
    return com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(message).build();
  }

  static Status.Code httpToCode(int http) {
    if (http >= 200 && http < 300) {
      return Status.Code.OK;
    }
    return switch (http) {
      case 400 -> Status.Code.INVALID_ARGUMENT;
      case 401 -> Status.Code.UNAUTHENTICATED;
      case 403 -> Status.Code.PERMISSION_DENIED;
      case 404 -> Status.Code.NOT_FOUND;
      case 409 -> Status.Code.ABORTED;
      case 429 -> Status.Code.RESOURCE_EXHAUSTED;
      case 499 -> Status.Code.CANCELLED;
      case 501 -> Status.Code.UNIMPLEMENTED;
      case 503 -> Status.Code.UNAVAILABLE;
      case 504 -> Status.Code.DEADLINE_EXCEEDED;
      default -> http >= 500 ? Status.Code.INTERNAL : Status.Code.FAILED_PRECONDITION;
    };
  }

  private static void logAttempt(
      Dispatch d, Dispatch.Outcome o, boolean dropped, String result, long latencyMillis) {
    if (!DISPATCH_LOG.isInfoEnabled()) {
      return;
    }
    DISPATCH_LOG.info(
        "{\"event\":\"dispatch\",\"queue\":\"{}\",\"task\":\"{}\",\"attempt\":{},\"url\":\"{}\","
            + "\"status\":{},\"failure\":{},\"detail\":{},\"injected\":\"{}\",\"result\":\"{}\","
            + "\"latencyMs\":{}}",
        Names.shortName(d.queueName()),
        Names.shortName(d.task().name),
        d.attempt(),
        d.request().getUrl(),
        o.status(),
        o.failure() == null ? "null" : "\"" + o.failure() + "\"",
        o.detail() == null ? "null" : GoogleRest.quote(o.detail()),
        (d.copies() > 1 ? "concurrent-duplicate " : "")
            + (d.sequentialDuplicate() ? "duplicate " : "")
            + (dropped ? "drop-response" : ""),
        result,
        latencyMillis);
  }

  private static String eta(Instant t) {
    return t.getEpochSecond() + "." + String.format(Locale.ROOT, "%06d", t.getNano() / 1000);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
