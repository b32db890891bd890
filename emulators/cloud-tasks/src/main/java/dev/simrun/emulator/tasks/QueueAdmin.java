package dev.simrun.emulator.tasks;

import com.google.cloud.tasks.v2.CreateQueueRequest;
import com.google.cloud.tasks.v2.DeleteQueueRequest;
import com.google.cloud.tasks.v2.GetQueueRequest;
import com.google.cloud.tasks.v2.ListQueuesRequest;
import com.google.cloud.tasks.v2.ListQueuesResponse;
import com.google.cloud.tasks.v2.PauseQueueRequest;
import com.google.cloud.tasks.v2.PurgeQueueRequest;
import com.google.cloud.tasks.v2.Queue;
import com.google.cloud.tasks.v2.RateLimits;
import com.google.cloud.tasks.v2.ResumeQueueRequest;
import com.google.cloud.tasks.v2.RetryConfig;
import com.google.cloud.tasks.v2.UpdateQueueRequest;
import com.google.protobuf.util.FieldMaskUtil;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue operations: create, read, list, update (which creates a missing queue), delete, purge,
 * pause and resume, with Cloud Tasks' defaults and limits for what a queue may be configured to.
 */
final class QueueAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(QueueAdmin.class);

  static final double DEFAULT_RATE = 500;
  static final int DEFAULT_MAX_CONCURRENT = 1000;
  static final int MAX_CONCURRENT_LIMIT = 5000;
  static final int DEFAULT_MAX_ATTEMPTS = 100;
  static final Duration DEFAULT_MIN_BACKOFF = Duration.ofMillis(100);
  static final Duration DEFAULT_MAX_BACKOFF = Duration.ofHours(1);
  static final int DEFAULT_MAX_DOUBLINGS = 16;

  private static final Pattern STATE_FILTER =
      Pattern.compile("\\s*state\\s*[:=]\\s*\"?([A-Z_]+)\"?\\s*");

  private final TaskQueues state;

  QueueAdmin(TaskQueues state) {
    this.state = state;
  }

  Queue createQueue(CreateQueueRequest request) {
    String parent = Names.location(request.getParent());
    Queue given = request.getQueue();
    String name = Names.queue(given.getName());
    if (!Names.parentOfQueue(name).equals(parent)) {
      throw Names.invalid("The queue name '" + name + "' is not in parent '" + parent + "'");
    }
    return state.locked(
        () -> {
          if (state.queues.containsKey(name)) {
            throw Status.ALREADY_EXISTS
                .withDescription("Queue already exists: " + name)
                .asRuntimeException();
          }
          Queue queue = withDefaults(given.toBuilder().setState(Queue.State.RUNNING).build());
          state.queues.put(
              name, new QueueState(name, queue, TaskQueues.nanos(state.clock().instant())));
          LOG.info("created queue {}", name);
          return queue;
        });
  }

  Queue getQueue(GetQueueRequest request) {
    String name = Names.queue(request.getName());
    return state.locked(() -> state.queue(name).config);
  }

  ListQueuesResponse listQueues(ListQueuesRequest request) {
    String parent = Names.location(request.getParent());
    Queue.State wanted = stateFilter(request.getFilter());
    return state.locked(
        () -> {
          List<Queue> all = new ArrayList<>();
          for (QueueState q : state.queues.values()) {
            if (Names.parentOfQueue(q.name).equals(parent)
                && (wanted == null || q.config.getState() == wanted)) {
              all.add(q.config);
            }
          }
          Page page = Page.of(request.getPageSize(), request.getPageToken(), all.size());
          return ListQueuesResponse.newBuilder()
              .addAllQueues(all.subList(page.from(), page.to()))
              .setNextPageToken(page.nextToken())
              .build();
        });
  }

  /** The state a {@code state: STATE} filter asks for, or null for no filter. */
  private static Queue.State stateFilter(String filter) {
    if (filter.isBlank()) {
      return null;
    }
    Matcher m = STATE_FILTER.matcher(filter);
    if (!m.matches()) {
      throw Names.invalid("Unsupported filter '" + filter + "'; use state: STATE");
    }
    try {
      return Queue.State.valueOf(m.group(1));
    } catch (IllegalArgumentException e) {
      throw Names.invalid("Unknown queue state in filter: " + m.group(1));
    }
  }

  Queue updateQueue(UpdateQueueRequest request) {
    Queue given = request.getQueue();
    String name = Names.queue(given.getName());
    return state.locked(
        () -> {
          QueueState existing = state.queues.get(name);
          if (existing == null) {
            // UpdateQueue creates the queue when it does not exist.
            Queue queue = withDefaults(given.toBuilder().setState(Queue.State.RUNNING).build());
            state.queues.put(
                name, new QueueState(name, queue, TaskQueues.nanos(state.clock().instant())));
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
          state.bump();
          return queue;
        });
  }

  void deleteQueue(DeleteQueueRequest request) {
    String name = Names.queue(request.getName());
    state.locked(
        () -> {
          QueueState q = state.queue(name);
          for (TaskState t : List.copyOf(q.tasks.values())) {
            state.remove(t);
          }
          state.queues.remove(name);
          LOG.info("deleted queue {}", name);
          return null;
        });
  }

  Queue purgeQueue(PurgeQueueRequest request) {
    String name = Names.queue(request.getName());
    return state.locked(
        () -> {
          QueueState q = state.queue(name);
          for (TaskState t : List.copyOf(q.tasks.values())) {
            state.remove(t);
          }
          q.config =
              q.config.toBuilder().setPurgeTime(Protos.timestamp(state.clock().instant())).build();
          return q.config;
        });
  }

  Queue pauseQueue(PauseQueueRequest request) {
    return setState(Names.queue(request.getName()), Queue.State.PAUSED);
  }

  Queue resumeQueue(ResumeQueueRequest request) {
    return setState(Names.queue(request.getName()), Queue.State.RUNNING);
  }

  private Queue setState(String name, Queue.State to) {
    return state.locked(
        () -> {
          QueueState q = state.queue(name);
          q.config = q.config.toBuilder().setState(to).build();
          state.bump();
          return q.config;
        });
  }

  private Queue withDefaults(Queue queue) {
    double maxRate = state.settings().maxDispatchesPerSecond();
    RateLimits.Builder rate = queue.getRateLimits().toBuilder();
    if (rate.getMaxDispatchesPerSecond() < 0 || rate.getMaxDispatchesPerSecond() > maxRate) {
      throw Names.invalid(
          "rate_limits.max_dispatches_per_second must be in (0, "
              + maxRate
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
}
