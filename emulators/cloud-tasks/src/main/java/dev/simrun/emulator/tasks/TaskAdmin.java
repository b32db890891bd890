package dev.simrun.emulator.tasks;

import com.google.cloud.tasks.v2.CreateTaskRequest;
import com.google.cloud.tasks.v2.DeleteTaskRequest;
import com.google.cloud.tasks.v2.GetTaskRequest;
import com.google.cloud.tasks.v2.HttpMethod;
import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.ListTasksRequest;
import com.google.cloud.tasks.v2.ListTasksResponse;
import com.google.cloud.tasks.v2.RunTaskRequest;
import com.google.cloud.tasks.v2.Task;
import io.grpc.Status;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The task operations: create (named and deduplicated, or named here), read, list, delete, and run
 * now; with Cloud Tasks' limits on what a task may be.
 */
final class TaskAdmin {
  static final Duration DEFAULT_DISPATCH_DEADLINE = Duration.ofMinutes(10);
  static final Duration MAX_DISPATCH_DEADLINE = Duration.ofMinutes(30);
  static final Duration MAX_SCHEDULE_AHEAD = Duration.ofDays(30);
  static final int MAX_TASK_BYTES = 100 * 1024;

  private static final Set<String> REPLACED_HEADERS =
      Set.of("host", "content-length", "user-agent");

  private final TaskQueues state;
  private final Attempts attempts;

  TaskAdmin(TaskQueues state, Attempts attempts) {
    this.state = state;
    this.attempts = attempts;
  }

  Task createTask(CreateTaskRequest request) {
    String queueName = Names.queue(request.getParent());
    Task given = request.getTask();
    if (!given.hasHttpRequest()) {
      throw Names.invalid(
          given.hasAppEngineHttpRequest()
              ? "The emulator runs HTTP target tasks only; app_engine_http_request is not supported"
              : "Task.http_request is required");
    }
    HttpRequest http = checkHttpRequest(given.getHttpRequest());
    Duration deadline =
        given.hasDispatchDeadline()
            ? Protos.duration(given.getDispatchDeadline())
            : DEFAULT_DISPATCH_DEADLINE;
    Duration minDeadline = state.settings().minDispatchDeadline();
    if (deadline.compareTo(minDeadline) < 0 || deadline.compareTo(MAX_DISPATCH_DEADLINE) > 0) {
      throw Names.invalid(
          "dispatch_deadline must be between "
              + minDeadline.toSeconds()
              + " s and 30 minutes, was "
              + deadline);
    }
    if (given.getSerializedSize() > MAX_TASK_BYTES) {
      throw Names.invalid(
          "Task size " + given.getSerializedSize() + " bytes exceeds the maximum of 100 KB");
    }
    String explicitName = given.getName();
    if (!explicitName.isEmpty() && !Names.queueOfTask(explicitName).equals(queueName)) {
      throw Names.invalid(
          "The task name '" + explicitName + "' does not belong to queue '" + queueName + "'");
    }
    return state.locked(
        () -> {
          Instant now = state.clock().instant();
          QueueState q = state.queue(queueName);
          String name =
              explicitName.isEmpty() ? queueName + "/tasks/" + state.generatedId() : explicitName;
          if (state.tasks.containsKey(name) || state.isReserved(name, now)) {
            throw Status.ALREADY_EXISTS
                .withDescription(
                    "Requested entity already exists: a task named "
                        + name
                        + " exists or was deleted or executed recently")
                .asRuntimeException();
          }
          Instant schedule =
              given.hasScheduleTime() ? Protos.instant(given.getScheduleTime()) : now;
          if (schedule.isAfter(now.plus(MAX_SCHEDULE_AHEAD))) {
            throw Names.invalid("schedule_time may be at most 30 days in the future");
          }
          if (schedule.isBefore(now)) {
            schedule = now;
          }
          TaskState task = new TaskState(name, q, http, now, schedule, deadline, state.nextSeq());
          state.add(task);
          state.bump();
          return task.toProto(request.getResponseView());
        });
  }

  private static HttpRequest checkHttpRequest(HttpRequest http) {
    URI uri;
    try {
      uri = URI.create(http.getUrl());
    } catch (IllegalArgumentException e) {
      throw Names.invalid("http_request.url is not a valid URL: '" + http.getUrl() + "'");
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw Names.invalid(
          "http_request.url must be an absolute http:// or https:// URL, was '"
              + http.getUrl()
              + "'");
    }
    HttpRequest.Builder b = http.toBuilder();
    if (b.getHttpMethod() == HttpMethod.HTTP_METHOD_UNSPECIFIED) {
      b.setHttpMethod(HttpMethod.POST);
    }
    HttpMethod method = b.getHttpMethod();
    if (!b.getBody().isEmpty()
        && method != HttpMethod.POST
        && method != HttpMethod.PUT
        && method != HttpMethod.PATCH) {
      throw Names.invalid("A request body is allowed only for POST, PUT and PATCH, not " + method);
    }
    if (b.hasOauthToken()) {
      throw Status.UNIMPLEMENTED
          .withDescription("The emulator mints OIDC tokens only; oauth_token is not supported")
          .asRuntimeException();
    }
    if (b.hasOidcToken() && b.getOidcToken().getServiceAccountEmail().isBlank()) {
      throw Names.invalid("oidc_token.service_account_email is required");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    b.getHeadersMap()
        .forEach(
            (k, v) -> {
              String lower = k.toLowerCase(Locale.ROOT);
              if (!REPLACED_HEADERS.contains(lower)
                  && !lower.startsWith("x-google-")
                  && !lower.startsWith("x-appengine-")
                  && !lower.startsWith("x-cloudtasks-")) {
                headers.put(k, v);
              }
            });
    return b.clearHeaders().putAllHeaders(headers).build();
  }

  Task getTask(GetTaskRequest request) {
    String name = Names.task(request.getName());
    return state.locked(() -> state.task(name).toProto(request.getResponseView()));
  }

  ListTasksResponse listTasks(ListTasksRequest request) {
    String queueName = Names.queue(request.getParent());
    return state.locked(
        () -> {
          QueueState q = state.queue(queueName);
          List<TaskState> all = new ArrayList<>(q.tasks.values());
          all.sort(
              Comparator.<TaskState, Instant>comparing(t -> t.scheduleTime)
                  .thenComparingLong(t -> t.seq));
          Page page = Page.of(request.getPageSize(), request.getPageToken(), all.size());
          ListTasksResponse.Builder out = ListTasksResponse.newBuilder();
          for (TaskState t : all.subList(page.from(), page.to())) {
            out.addTasks(t.toProto(request.getResponseView()));
          }
          return out.setNextPageToken(page.nextToken()).build();
        });
  }

  void deleteTask(DeleteTaskRequest request) {
    String name = Names.task(request.getName());
    state.locked(
        () -> {
          state.remove(state.task(name));
          return null;
        });
  }

  /**
   * Starts an attempt now, even when the queue is paused, out of tokens or the task is running;
   * answers the task as it is once dispatched, and the attempt for the dispatcher to send.
   */
  RunResult runTask(RunTaskRequest request) {
    String name = Names.task(request.getName());
    return state.locked(
        () -> {
          TaskState task = state.task(name);
          task.queue.unqueue(task);
          Dispatch dispatch = attempts.start(task, state.clock().instant());
          return new RunResult(task.toProto(request.getResponseView()), dispatch);
        });
  }

  record RunResult(Task task, Dispatch dispatch) {}
}
