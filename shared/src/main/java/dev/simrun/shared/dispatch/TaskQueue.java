package dev.simrun.shared.dispatch;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where tasks go to be pushed to the worker: Cloud Tasks in production, the emulator locally.
 * Creating a task that already exists (same id) counts as done.
 */
public interface TaskQueue {

  /** Creates the task; completes normally when it was created or already existed. */
  CompletableFuture<Void> create(TaskSpec task);

  /**
   * Deletes a task that has not run yet; completes normally also when there is no such task
   * (already run, deleted, or never created).
   */
  CompletableFuture<Void> delete(String queue, String taskId);

  /** Whether the queue still holds the task (waiting, retrying or being delivered). */
  CompletableFuture<Boolean> exists(String queue, String taskId);

  /**
   * One HTTP task: POST {@code body} (JSON) to {@code path} on the worker.
   *
   * @param queue the queue's full name
   * @param taskId the task id, derived from what the task does so a repeat is a no-op
   * @param headers more headers to send with the push: the trace context's {@code traceparent}
   */
  record TaskSpec(
      String queue, String taskId, String path, byte[] body, Map<String, String> headers) {
    public TaskSpec {
      headers = Map.copyOf(headers);
    }

    /** A task that sends no headers of its own. */
    public TaskSpec(String queue, String taskId, String path, byte[] body) {
      this(queue, taskId, path, body, Map.of());
    }
  }
}
