package dev.simrun.emulator.tasks;

import com.google.cloud.tasks.v2.Attempt;
import com.google.cloud.tasks.v2.CreateQueueRequest;
import com.google.cloud.tasks.v2.CreateTaskRequest;
import com.google.cloud.tasks.v2.DeleteQueueRequest;
import com.google.cloud.tasks.v2.DeleteTaskRequest;
import com.google.cloud.tasks.v2.GetQueueRequest;
import com.google.cloud.tasks.v2.GetTaskRequest;
import com.google.cloud.tasks.v2.HttpMethod;
import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.ListQueuesRequest;
import com.google.cloud.tasks.v2.ListQueuesResponse;
import com.google.cloud.tasks.v2.ListTasksRequest;
import com.google.cloud.tasks.v2.ListTasksResponse;
import com.google.cloud.tasks.v2.PauseQueueRequest;
import com.google.cloud.tasks.v2.PurgeQueueRequest;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.RateLimits;
import com.google.cloud.tasks.v2.ResumeQueueRequest;
import com.google.cloud.tasks.v2.RetryConfig;
import com.google.cloud.tasks.v2.RunTaskRequest;
import com.google.cloud.tasks.v2.Task;
import com.google.cloud.tasks.v2.UpdateQueueRequest;
import com.google.protobuf.util.FieldMaskUtil;
import io.grpc.Status;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of the emulated service and its operations: queues, tasks, reserved names, and the
 * decisions of dispatch (what is due, what an attempt's outcome does to its task). One lock guards
 * it all; operations are short, and HTTP delivery happens outside the lock.
 */
final class TaskQueues {
  private static final Logger LOG = LoggerFactory.getLogger(TaskQueues.class);
  private static final Logger DISPATCH_LOG = LoggerFactory.getLogger("simrun.emulator.dispatch");

  static final double DEFAULT_RATE = 500;
  static final int DEFAULT_MAX_CONCURRENT = 1000;
  static final int MAX_CONCURRENT_LIMIT = 5000;
  static final int DEFAULT_MAX_ATTEMPTS = 100;
  static final Duration DEFAULT_MIN_BACKOFF = Duration.ofMillis(100);
  static final Duration DEFAULT_MAX_BACKOFF = Duration.ofHours(1);
  static final int DEFAULT_MAX_DOUBLINGS = 16;
  static final Duration DEFAULT_DISPATCH_DEADLINE = Duration.ofMinutes(10);
  static final Duration MAX_DISPATCH_DEADLINE = Duration.ofMinutes(30);
  static final Duration MAX_SCHEDULE_AHEAD = Duration.ofDays(30);
  static final int MAX_TASK_BYTES = 100 * 1024;
  static final int MAX_PAGE_SIZE = 1000;

  private static final Set<String> REPLACED_HEADERS =
      Set.of("host", "content-length", "user-agent");
  private static final Pattern STATE_FILTER =
      Pattern.compile("\\s*state\\s*[:=]\\s*\"?([A-Z_]+)\"?\\s*");

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Clock clock;
  private final EmulatorSettings settings;
  private final Map<String, QueueState> queues = new TreeMap<>();
  private final Map<String, TaskState> tasks = new HashMap<>();

  /** Names of deleted or executed tasks, reserved until the instant given. */
  private final Map<String, Instant> reservedNames = new LinkedHashMap<>();

  private final SplittableRandom random;
  private FaultPlan globalFaults;
  private long seq;

  /** Bumped on every change that may let dispatch proceed; see {@link #awaitChange}. */
  private long version;

  TaskQueues(EmulatorSettings settings) {
    this.settings = settings;
    this.clock = settings.clock();
    this.random = new SplittableRandom(settings.randomSeed());
    this.globalFaults = settings.faults();
  }

  Clock clock() {
    return clock;
  }

  // ---------------------------------------------------------------- queues

  Queue createQueue(CreateQueueRequest request) {
    String parent = Names.location(request.getParent());
    Queue given = request.getQueue();
    String name = Names.queue(given.getName());
    if (!Names.parentOfQueue(name).equals(parent)) {
      throw Names.invalid("The queue name '" + name + "' is not in parent '" + parent + "'");
    }
    return locked(
        () -> {
          if (queues.containsKey(name)) {
            throw Status.ALREADY_EXISTS
                .withDescription("Queue already exists: " + name)
                .asRuntimeException();
          }
          Queue queue = withDefaults(given.toBuilder().setState(Queue.State.RUNNING).build());
          queues.put(name, new QueueState(name, queue, nanos(clock.instant())));
          LOG.info("created queue {}", name);
          return queue;
        });
  }

  Queue getQueue(GetQueueRequest request) {
    String name = Names.queue(request.getName());
    return locked(() -> queue(name).config);
  }

  ListQueuesResponse listQueues(ListQueuesRequest request) {
    String parent = Names.location(request.getParent());
    Queue.State state = null;
    if (!request.getFilter().isBlank()) {
      Matcher m = STATE_FILTER.matcher(request.getFilter());
      if (!m.matches()) {
        throw Names.invalid("Unsupported filter '" + request.getFilter() + "'; use state: STATE");
      }
      try {
        state = Queue.State.valueOf(m.group(1));
      } catch (IllegalArgumentException e) {
        throw Names.invalid("Unknown queue state in filter: " + m.group(1));
      }
    }
    Queue.State wanted = state;
    return locked(
        () -> {
          List<Queue> all = new ArrayList<>();
          for (QueueState q : queues.values()) {
            if (Names.parentOfQueue(q.name).equals(parent)
                && (wanted == null || q.config.getState() == wanted)) {
              all.add(q.config);
            }
          }
          Page page = Page.of(request.getPageSize(), request.getPageToken(), all.size());
          return ListQueuesResponse.newBuilder()
              .addAllQueues(all.subList(page.from, page.to))
              .setNextPageToken(page.nextToken)
              .build();
        });
  }

  Queue updateQueue(UpdateQueueRequest request) {
    Queue given = request.getQueue();
    String name = Names.queue(given.getName());
    return locked(
        () -> {
          QueueState existing = queues.get(name);
          if (existing == null) {
            // UpdateQueue creates the queue when it does not exist.
            Queue queue = withDefaults(given.toBuilder().setState(Queue.State.RUNNING).build());
            queues.put(name, new QueueState(name, queue, nanos(clock.instant())));
            LOG.info("created queue {} through UpdateQueue", name);
            return queue;
          }
          Queue.Builder merged = existing.config.toBuilder();
          if (request.hasUpdateMask() && request.getUpdateMask().getPathsCount() > 0) {
            for (String path : request.getUpdateMask().getPathsList()) {
              if (path.equals("name") || path.equals("state") || path.equals("purge_time")) {
                throw Names.invalid("Field '" + path + "' cannot be updated");
              }
            }
            if (!FieldMaskUtil.isValid(Queue.class, request.getUpdateMask())) {
              throw Names.invalid("Invalid update_mask: " + request.getUpdateMask().getPathsList());
            }
            // Replacing a masked field clears it, and withDefaults() fills it again.
            FieldMaskUtil.merge(
                request.getUpdateMask(),
                given,
                merged,
                new FieldMaskUtil.MergeOptions()
                    .setReplaceMessageFields(true)
                    .setReplacePrimitiveFields(true));
          } else {
            merged.mergeFrom(given.toBuilder().clearState().clearPurgeTime().build());
          }
          merged.getRateLimitsBuilder().clearMaxBurstSize();
          Queue queue =
              withDefaults(merged.setName(name).setState(existing.config.getState()).build());
          existing.reconfigure(queue);
          bump();
          return queue;
        });
  }

  void deleteQueue(DeleteQueueRequest request) {
    String name = Names.queue(request.getName());
    locked(
        () -> {
          QueueState q = queue(name);
          for (TaskState t : List.copyOf(q.tasks.values())) {
            remove(t);
          }
          queues.remove(name);
          LOG.info("deleted queue {}", name);
          return null;
        });
  }

  Queue purgeQueue(PurgeQueueRequest request) {
    String name = Names.queue(request.getName());
    return locked(
        () -> {
          QueueState q = queue(name);
          for (TaskState t : List.copyOf(q.tasks.values())) {
            remove(t);
          }
          q.config = q.config.toBuilder().setPurgeTime(Protos.timestamp(clock.instant())).build();
          return q.config;
        });
  }

  Queue pauseQueue(PauseQueueRequest request) {
    return setState(Names.queue(request.getName()), Queue.State.PAUSED);
  }

  Queue resumeQueue(ResumeQueueRequest request) {
    return setState(Names.queue(request.getName()), Queue.State.RUNNING);
  }

  private Queue setState(String name, Queue.State state) {
    return locked(
        () -> {
          QueueState q = queue(name);
          q.config = q.config.toBuilder().setState(state).build();
          bump();
          return q.config;
        });
  }

  private Queue withDefaults(Queue queue) {
    RateLimits.Builder rate = queue.getRateLimits().toBuilder();
    if (rate.getMaxDispatchesPerSecond() < 0
        || rate.getMaxDispatchesPerSecond() > settings.maxDispatchesPerSecond()) {
      throw Names.invalid(
          "rate_limits.max_dispatches_per_second must be in (0, "
              + settings.maxDispatchesPerSecond()
              + "], was "
              + rate.getMaxDispatchesPerSecond());
    }
    if (rate.getMaxConcurrentDispatches() < 0
        || rate.getMaxConcurrentDispatches() > MAX_CONCURRENT_LIMIT) {
      throw Names.invalid(
          "rate_limits.max_concurrent_dispatches must be in [1, "
              + MAX_CONCURRENT_LIMIT
              + "], was "
              + rate.getMaxConcurrentDispatches());
    }
    if (rate.getMaxDispatchesPerSecond() == 0) {
      rate.setMaxDispatchesPerSecond(DEFAULT_RATE);
    }
    if (rate.getMaxConcurrentDispatches() == 0) {
      rate.setMaxConcurrentDispatches(DEFAULT_MAX_CONCURRENT);
    }
    rate.setMaxBurstSize(burstFor(rate.getMaxDispatchesPerSecond()));

    RetryConfig.Builder retry = queue.getRetryConfig().toBuilder();
    if (retry.getMaxAttempts() < -1) {
      throw Names.invalid(
          "retry_config.max_attempts must be -1 (unlimited) or positive, was "
              + retry.getMaxAttempts());
    }
    if (retry.getMaxDoublings() < 0) {
      throw Names.invalid("retry_config.max_doublings must not be negative");
    }
    for (var d :
        List.of(retry.getMinBackoff(), retry.getMaxBackoff(), retry.getMaxRetryDuration())) {
      if (d.getSeconds() < 0 || d.getNanos() < 0) {
        throw Names.invalid("retry_config durations must not be negative");
      }
    }
    if (retry.getMaxAttempts() == 0) {
      retry.setMaxAttempts(DEFAULT_MAX_ATTEMPTS);
    }
    if (!retry.hasMinBackoff() || Protos.duration(retry.getMinBackoff()).isZero()) {
      retry.setMinBackoff(Protos.duration(DEFAULT_MIN_BACKOFF));
    }
    if (!retry.hasMaxBackoff() || Protos.duration(retry.getMaxBackoff()).isZero()) {
      retry.setMaxBackoff(Protos.duration(DEFAULT_MAX_BACKOFF));
    }
    if (retry.getMaxDoublings() == 0) {
      retry.setMaxDoublings(DEFAULT_MAX_DOUBLINGS);
    }
    if (!retry.hasMaxRetryDuration()) {
      retry.setMaxRetryDuration(Protos.duration(Duration.ZERO));
    }
    if (Protos.duration(retry.getMinBackoff()).compareTo(Protos.duration(retry.getMaxBackoff()))
        > 0) {
      throw Names.invalid("retry_config.min_backoff must not exceed max_backoff");
    }
    return queue.toBuilder().setRateLimits(rate).setRetryConfig(retry).build();
  }

  /**
   * The burst Cloud Tasks picks for a rate (output only): a fifth of the rate, at least one token,
   * and 10 for a rate of 1/s, as documented for queue.yaml's bucket_size defaults.
   */
  static int burstFor(double rate) {
    if (rate == 1.0) {
      return 10;
    }
    return (int) Math.max(1, Math.min(500, Math.ceil(rate / 5)));
  }

  // ---------------------------------------------------------------- tasks

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
    if (deadline.compareTo(settings.minDispatchDeadline()) < 0
        || deadline.compareTo(MAX_DISPATCH_DEADLINE) > 0) {
      throw Names.invalid(
          "dispatch_deadline must be between "
              + settings.minDispatchDeadline().toSeconds()
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
    return locked(
        () -> {
          Instant now = clock.instant();
          QueueState q = queue(queueName);
          String name =
              explicitName.isEmpty() ? queueName + "/tasks/" + generatedId() : explicitName;
          if (tasks.containsKey(name) || isReserved(name, now)) {
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
          TaskState task = new TaskState(name, q, http, now, schedule, deadline, ++seq);
          tasks.put(name, task);
          q.tasks.put(name, task);
          q.enqueue(task);
          bump();
          return task.toProto(request.getResponseView());
        });
  }

  private HttpRequest checkHttpRequest(HttpRequest http) {
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
    return locked(() -> task(name).toProto(request.getResponseView()));
  }

  ListTasksResponse listTasks(ListTasksRequest request) {
    String queueName = Names.queue(request.getParent());
    return locked(
        () -> {
          QueueState q = queue(queueName);
          List<TaskState> all = new ArrayList<>(q.tasks.values());
          all.sort(
              Comparator.<TaskState, Instant>comparing(t -> t.scheduleTime)
                  .thenComparingLong(t -> t.seq));
          Page page = Page.of(request.getPageSize(), request.getPageToken(), all.size());
          ListTasksResponse.Builder out = ListTasksResponse.newBuilder();
          for (TaskState t : all.subList(page.from, page.to)) {
            out.addTasks(t.toProto(request.getResponseView()));
          }
          return out.setNextPageToken(page.nextToken).build();
        });
  }

  void deleteTask(DeleteTaskRequest request) {
    String name = Names.task(request.getName());
    locked(
        () -> {
          remove(task(name));
          return null;
        });
  }

  /**
   * Starts an attempt now, even when the queue is paused, out of tokens or the task is running;
   * answers the task as it is once dispatched.
   */
  RunResult runTask(RunTaskRequest request) {
    String name = Names.task(request.getName());
    return locked(
        () -> {
          TaskState task = task(name);
          task.queue.unqueue(task);
          Dispatch dispatch = startAttempt(task, clock.instant());
          return new RunResult(task.toProto(request.getResponseView()), dispatch);
        });
  }

  record RunResult(Task task, Dispatch dispatch) {}

  // ---------------------------------------------------------------- faults and stats

  /** Sets the global plan (queueName null), or a queue's own plan (null: follow the global). */
  void setFaults(String queueName, FaultPlan plan) {
    locked(
        () -> {
          if (queueName == null) {
            globalFaults = Objects.requireNonNull(plan);
          } else {
            queue(Names.queue(queueName)).faults = plan;
          }
          return null;
        });
  }

  EmulatorStats stats() {
    return locked(
        () -> {
          Map<String, EmulatorStats.Queue> perQueue = new LinkedHashMap<>();
          for (QueueState q : queues.values()) {
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

  // ---------------------------------------------------------------- dispatch

  /**
   * Starts every attempt that is due now and allowed by the queues' state and rate limits, and
   * tells when to look again.
   */
  Due takeDue(List<Dispatch> out) {
    return locked(
        () -> {
          Instant now = clock.instant();
          long nowNanos = nanos(now);
          Instant next = Instant.MAX;
          for (QueueState q : queues.values()) {
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
              out.add(startAttempt(head, now));
            }
          }
          expireReservations(now);
          return new Due(next, version);
        });
  }

  /** When to look for due tasks again, and the state version that answer was based on. */
  record Due(Instant next, long version) {}

  private Dispatch startAttempt(TaskState task, Instant now) {
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
    FaultPlan faults = q.faults != null ? q.faults : globalFaults;
    boolean concurrent = chance(faults.concurrentDuplicate());
    boolean sequential = !concurrent && chance(faults.duplicateDelivery());
    boolean drop = chance(faults.dropResponse());
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
    locked(
        () -> {
          Instant now = clock.instant();
          TaskState task = dispatch.task();
          QueueState q = task.queue;
          q.inFlight--;
          task.inFlight--;
          bump();
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
              remove(task);
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
      remove(task);
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

  private void logAttempt(
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
        o.detail() == null ? "null" : StatsJson.quote(o.detail()),
        (d.copies() > 1 ? "concurrent-duplicate " : "")
            + (d.sequentialDuplicate() ? "duplicate " : "")
            + (dropped ? "drop-response" : ""),
        result,
        latencyMillis);
  }

  // ---------------------------------------------------------------- waiting

  /** Waits until the state moves past {@code seenVersion} or {@code maxNanos} pass. */
  void awaitChange(long seenVersion, long maxNanos) throws InterruptedException {
    lock.lock();
    try {
      long left = maxNanos;
      while (version == seenVersion && left > 0) {
        left = changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  void signal() {
    locked(
        () -> {
          bump();
          return null;
        });
  }

  private void bump() {
    version++;
    changed.signalAll();
  }

  // ---------------------------------------------------------------- helpers

  private QueueState queue(String name) {
    QueueState q = queues.get(name);
    if (q == null) {
      throw Names.notFound("Queue does not exist: " + name);
    }
    return q;
  }

  private TaskState task(String name) {
    TaskState t = tasks.get(name);
    if (t == null) {
      throw Names.notFound(
          "Task does not exist (it may have succeeded, failed permanently or been deleted): "
              + name);
    }
    return t;
  }

  private void remove(TaskState task) {
    task.gone = true;
    task.queue.unqueue(task);
    task.queue.tasks.remove(task.name);
    tasks.remove(task.name);
    reservedNames.remove(task.name);
    reservedNames.put(task.name, clock.instant().plus(settings.taskNameReservation()));
  }

  private boolean isReserved(String name, Instant now) {
    Instant until = reservedNames.get(name);
    return until != null && until.isAfter(now);
  }

  private void expireReservations(Instant now) {
    // Insertion order is expiry order (the reservation period is one value), so stop at the first
    // one still reserved.
    Iterator<Map.Entry<String, Instant>> it = reservedNames.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue().isAfter(now)) {
        break;
      }
      it.remove();
    }
  }

  private String generatedId() {
    return Long.toUnsignedString(random.nextLong() >>> 1);
  }

  private boolean chance(double p) {
    return p > 0 && random.nextDouble() < p;
  }

  private static String eta(Instant t) {
    return t.getEpochSecond() + "." + String.format(Locale.ROOT, "%06d", t.getNano() / 1000);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  /** Offset paging with an opaque token, as ListQueues and ListTasks answer. */
  private record Page(int from, int to, String nextToken) {
    static Page of(int pageSize, String token, int total) {
      if (pageSize < 0) {
        throw Names.invalid("page_size must not be negative");
      }
      int size = pageSize == 0 ? MAX_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
      int from = 0;
      if (!token.isEmpty()) {
        try {
          from = Integer.parseInt(new String(Base64.getUrlDecoder().decode(token)));
        } catch (IllegalArgumentException e) {
          throw Names.invalid("Invalid page_token");
        }
        if (from < 0) {
          throw Names.invalid("Invalid page_token");
        }
      }
      from = Math.min(from, total);
      int to = Math.min(total, from + size);
      String next =
          to < total
              ? Base64.getUrlEncoder().withoutPadding().encodeToString(("" + to).getBytes())
              : "";
      return new Page(from, to, next);
    }
  }
}
