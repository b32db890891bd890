package dev.simrun.emulator.tasks;

import com.google.cloud.tasks.v2.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One attempt to deliver a task, decided under the emulator's lock and carried out outside it.
 *
 * @param headers every header to send, Cloud Tasks' own included (not yet the Authorization one)
 * @param copies 1, or 2 when a concurrent duplicate is injected
 * @param sequentialDuplicate deliver once more after the first delivery finished (injected fault)
 * @param dropResponse treat a 2xx answer as lost (injected fault)
 */
record Dispatch(
    TaskState task,
    Instant scheduledFor,
    Instant dispatchTime,
    HttpRequest request,
    Map<String, String> headers,
    Duration deadline,
    int attempt,
    int copies,
    boolean sequentialDuplicate,
    boolean dropResponse) {

  String queueName() {
    return task.queue.name;
  }

  /**
   * What came of an attempt.
   *
   * @param status the HTTP status, or null when no response arrived
   * @param retryAfter the {@code Retry-After} the target asked for, or null
   * @param failure why no response arrived: {@code DEADLINE_EXCEEDED} or {@code CONNECTION_ERROR}
   */
  record Outcome(Integer status, Duration retryAfter, String failure, String detail) {
    static Outcome response(int status, Duration retryAfter) {
      return new Outcome(status, retryAfter, null, null);
    }

    static Outcome noResponse(String failure, String detail) {
      return new Outcome(null, null, failure, detail);
    }

    boolean success() {
      return status != null && status >= 200 && status < 300;
    }
  }
}
