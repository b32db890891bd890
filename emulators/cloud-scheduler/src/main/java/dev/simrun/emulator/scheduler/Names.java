package dev.simrun.emulator.scheduler;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.regex.Pattern;

/** Cloud Scheduler's resource names, and the errors the API answers with. */
final class Names {
  static final Pattern LOCATION = Pattern.compile("projects/[^/:]+/locations/[^/:]+");
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,500}");
  private static final Pattern JOB =
      Pattern.compile("(projects/[^/:]+/locations/[^/:]+)/jobs/(.+)");

  private Names() {}

  static String location(String parent) {
    if (!LOCATION.matcher(parent).matches()) {
      throw invalid("Invalid parent '" + parent + "'; expected projects/P/locations/L");
    }
    return parent;
  }

  static String job(String name) {
    var m = JOB.matcher(name);
    if (!m.matches() || !JOB_ID.matcher(m.group(2)).matches()) {
      throw invalid(
          "Invalid job name '"
              + name
              + "'; expected projects/P/locations/L/jobs/ID, ID of 1 to 500 of"
              + " A-Z a-z 0-9 _ -");
    }
    return name;
  }

  static String parentOf(String job) {
    return job.substring(0, job.indexOf("/jobs/"));
  }

  /** The short id, as {@code X-CloudScheduler-JobName} carries it. */
  static String shortId(String job) {
    return job.substring(job.lastIndexOf('/') + 1);
  }

  static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  static StatusRuntimeException notFound(String name) {
    return Status.NOT_FOUND.withDescription("Job not found: " + name).asRuntimeException();
  }

  static StatusRuntimeException precondition(String message) {
    return Status.FAILED_PRECONDITION.withDescription(message).asRuntimeException();
  }

  static StatusRuntimeException unimplemented(String message) {
    return Status.UNIMPLEMENTED.withDescription(message).asRuntimeException();
  }
}
