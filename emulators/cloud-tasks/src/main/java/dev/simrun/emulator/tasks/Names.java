package dev.simrun.emulator.tasks;

import io.grpc.Status;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resource names of Cloud Tasks v2, checked the way the service checks them. */
final class Names {
  private static final Pattern LOCATION =
      Pattern.compile("projects/([a-z0-9:.-]{1,100})/locations/([a-z0-9-]{1,63})");
  private static final Pattern QUEUE =
      Pattern.compile(
          "(projects/[a-z0-9:.-]{1,100}/locations/[a-z0-9-]{1,63})/queues/([A-Za-z0-9-]{1,100})");
  private static final Pattern TASK =
      Pattern.compile(
          "(projects/[a-z0-9:.-]{1,100}/locations/[a-z0-9-]{1,63}/queues/[A-Za-z0-9-]{1,100})"
              + "/tasks/([A-Za-z0-9_-]{1,500})");

  private Names() {}

  static String location(String name) {
    if (!LOCATION.matcher(name).matches()) {
      throw invalid("Invalid resource field value in the request: parent '" + name + "'");
    }
    return name;
  }

  static String queue(String name) {
    if (!QUEUE.matcher(name).matches()) {
      throw invalid(
          "Queue name must be of the form projects/PROJECT_ID/locations/LOCATION_ID/queues/QUEUE_ID"
              + " (QUEUE_ID: letters, digits, hyphens, at most 100): '"
              + name
              + "'");
    }
    return name;
  }

  static String task(String name) {
    if (!TASK.matcher(name).matches()) {
      throw invalid(
          "Task name must be of the form"
              + " projects/PROJECT_ID/locations/LOCATION_ID/queues/QUEUE_ID/tasks/TASK_ID"
              + " (TASK_ID: letters, digits, hyphens, underscores, at most 500): '"
              + name
              + "'");
    }
    return name;
  }

  static String parentOfQueue(String queueName) {
    Matcher m = QUEUE.matcher(queue(queueName));
    m.matches();
    return m.group(1);
  }

  static String queueOfTask(String taskName) {
    Matcher m = TASK.matcher(task(taskName));
    m.matches();
    return m.group(1);
  }

  static String shortName(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  static RuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  static RuntimeException notFound(String message) {
    return Status.NOT_FOUND.withDescription(message).asRuntimeException();
  }
}
