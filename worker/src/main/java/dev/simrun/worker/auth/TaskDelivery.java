package dev.simrun.worker.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;

/**
 * What Cloud Tasks says about one push, from its {@code X-CloudTasks-*} headers: which task, and
 * how many times it was tried before. Absent headers (a push not from Cloud Tasks) read as null and
 * -1.
 *
 * @param taskName the task's short name, e.g. {@code sim-<id>-c3-g0}
 * @param queueName the queue's short name
 * @param retryCount earlier attempts of this task, whatever their outcome
 * @param executionCount earlier attempts that got a response other than 5xx
 */
public record TaskDelivery(
    @Nullable String taskName, @Nullable String queueName, int retryCount, int executionCount) {
  public static final String TASK_NAME = "X-CloudTasks-TaskName";
  public static final String QUEUE_NAME = "X-CloudTasks-QueueName";
  public static final String RETRY_COUNT = "X-CloudTasks-TaskRetryCount";
  public static final String EXECUTION_COUNT = "X-CloudTasks-TaskExecutionCount";

  public static TaskDelivery of(HttpHeaders headers) {
    return new TaskDelivery(
        headers.get(TASK_NAME),
        headers.get(QUEUE_NAME),
        count(headers.get(RETRY_COUNT)),
        count(headers.get(EXECUTION_COUNT)));
  }

  /**
   * Earlier attempts that failed without an answer below 500: the chunk ran and failed (500), ran
   * past its time (503), the database was down (503), the worker died or the deadline passed (no
   * answer). Busy answers (429 at the worker's limit, 409 for a live lease) got a 4xx and are not
   * counted: the task did not fail, it waited. -1 when the push did not say (not from Cloud Tasks);
   * without an execution count every earlier attempt counts.
   */
  public int failedAttempts() {
    if (retryCount < 0) {
      return -1;
    }
    return Math.max(0, retryCount - Math.max(0, executionCount));
  }

  private static int count(@Nullable String value) {
    if (value == null) {
      return -1;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public String toString() {
    return "task "
        + taskName
        + " (queue "
        + queueName
        + ", retry "
        + retryCount
        + ", execution "
        + executionCount
        + ")";
  }
}
