package dev.simrun.emulator.scheduler;

import com.google.cloud.scheduler.v1.CreateJobRequest;
import com.google.cloud.scheduler.v1.DeleteJobRequest;
import com.google.cloud.scheduler.v1.GetJobRequest;
import com.google.cloud.scheduler.v1.Job;
import com.google.cloud.scheduler.v1.ListJobsRequest;
import com.google.cloud.scheduler.v1.ListJobsResponse;
import com.google.cloud.scheduler.v1.PauseJobRequest;
import com.google.cloud.scheduler.v1.ResumeJobRequest;
import com.google.cloud.scheduler.v1.RunJobRequest;
import com.google.cloud.scheduler.v1.UpdateJobRequest;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Empty;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.FieldMaskUtil;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every job, under one lock: the eight API calls, and what the dispatcher asks (which attempts are
 * due, what an attempt's outcome does). An execution's attempts share its schedule time; a new
 * schedule time waits while the previous execution is still going, and its retries stop at the next
 * schedule time, as Cloud Scheduler documents.
 */
final class Jobs {
  static final int MAX_PAGE_SIZE = 500;
  private static final Set<String> OUTPUT_ONLY =
      Set.of("name", "state", "status", "schedule_time", "last_attempt_time", "user_update_time");

  private final Clock clock;
  private final Duration minAttemptDeadline;
  private final Random random;
  private final Map<String, JobState> jobs = new TreeMap<>();
  private FaultPlan globalFaults;
  private long version;

  Jobs(EmulatorSettings settings) {
    this.clock = settings.clock();
    this.minAttemptDeadline = settings.minAttemptDeadline();
    this.random = new Random(settings.randomSeed());
    this.globalFaults = settings.faults();
  }

  Clock clock() {
    return clock;
  }

  // ---- the API ----

  synchronized Job create(CreateJobRequest r) {
    String parent = Names.location(r.getParent());
    if (!r.hasJob()) {
      throw Names.invalid("A job is required");
    }
    String name = r.getJob().getName();
    if (name.isEmpty()) {
      name = parent + "/jobs/" + Long.toUnsignedString(random.nextLong());
    } else if (!Names.job(name).startsWith(parent + "/jobs/")) {
      throw Names.invalid("Job name " + name + " is not under " + parent);
    }
    if (jobs.containsKey(name)) {
      throw Status.ALREADY_EXISTS
          .withDescription("Job " + name + " already exists")
          .asRuntimeException();
    }
    JobSpec spec = JobSpec.of(userFields(r.getJob()), minAttemptDeadline);
    JobState job = new JobState(name);
    job.spec = spec;
    job.userUpdateTime = clock.instant();
    job.scheduleTime = next(spec, job.userUpdateTime);
    jobs.put(name, job);
    changed();
    return job.toProto();
  }

  synchronized Job get(GetJobRequest r) {
    return find(r.getName()).toProto();
  }

  synchronized ListJobsResponse list(ListJobsRequest r) {
    String prefix = Names.location(r.getParent()) + "/jobs/";
    List<JobState> matching =
        jobs.values().stream().filter(j -> j.name.startsWith(prefix)).toList();
    if (r.getPageSize() < 0) {
      throw Names.invalid("page_size must not be negative");
    }
    int size = r.getPageSize() == 0 ? MAX_PAGE_SIZE : Math.min(r.getPageSize(), MAX_PAGE_SIZE);
    int from = pageStart(r.getPageToken(), matching.size());
    int to = Math.min(matching.size(), from + size);
    ListJobsResponse.Builder b = ListJobsResponse.newBuilder();
    for (JobState j : matching.subList(from, to)) {
      b.addJobs(j.toProto());
    }
    if (to < matching.size()) {
      b.setNextPageToken(
          Base64.getUrlEncoder().withoutPadding().encodeToString(("" + to).getBytes()));
    }
    return b.build();
  }

  private static int pageStart(String token, int total) {
    if (token.isEmpty()) {
      return 0;
    }
    try {
      int from = Integer.parseInt(new String(Base64.getUrlDecoder().decode(token)));
      if (from >= 0) {
        return Math.min(from, total);
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw Names.invalid("Invalid page_token");
  }

  synchronized Job update(UpdateJobRequest r) {
    if (!r.hasJob() || r.getJob().getName().isEmpty()) {
      throw Names.invalid("job.name is required");
    }
    JobState job = find(r.getJob().getName());
    FieldMask mask = r.hasUpdateMask() ? r.getUpdateMask() : FieldMask.getDefaultInstance();
    if (mask.getPathsCount() == 0) {
      mask = setFields(r.getJob());
    }
    for (String path : mask.getPathsList()) {
      if (OUTPUT_ONLY.contains(path)) {
        throw Names.invalid("Field " + path + " is output only and cannot be updated");
      }
    }
    if (!FieldMaskUtil.isValid(Job.class, mask)) {
      throw Names.invalid("Invalid update_mask " + FieldMaskUtil.toJsonString(mask));
    }
    Job.Builder updated = job.spec.job().toBuilder();
    FieldMaskUtil.merge(
        mask,
        r.getJob(),
        updated,
        new FieldMaskUtil.MergeOptions()
            .setReplaceMessageFields(true)
            .setReplaceRepeatedFields(true)
            .setReplacePrimitiveFields(true));
    job.spec = JobSpec.of(userFields(updated.build()), minAttemptDeadline);
    job.userUpdateTime = clock.instant();
    if (job.state == Job.State.ENABLED) {
      job.scheduleTime = next(job.spec, job.userUpdateTime);
    }
    changed();
    return job.toProto();
  }

  /** The mask an update without one means: every settable field the request gives. */
  private static FieldMask setFields(Job given) {
    FieldMask.Builder mask = FieldMask.newBuilder();
    for (FieldDescriptor f : given.getAllFields().keySet()) {
      if (!OUTPUT_ONLY.contains(f.getName())) {
        mask.addPaths(f.getName());
      }
    }
    return mask.build();
  }

  synchronized Empty delete(DeleteJobRequest r) {
    find(r.getName());
    jobs.remove(r.getName());
    changed();
    return Empty.getDefaultInstance();
  }

  synchronized Job pause(PauseJobRequest r) {
    JobState job = find(r.getName());
    if (job.state != Job.State.ENABLED) {
      throw Names.precondition("Job " + job.name + " is not enabled; only an enabled job pauses");
    }
    job.state = Job.State.PAUSED;
    job.userUpdateTime = clock.instant();
    changed();
    return job.toProto();
  }

  synchronized Job resume(ResumeJobRequest r) {
    JobState job = find(r.getName());
    if (job.state != Job.State.PAUSED) {
      throw Names.precondition("Job " + job.name + " is not paused; only a paused job resumes");
    }
    job.state = Job.State.ENABLED;
    job.userUpdateTime = clock.instant();
    job.scheduleTime = next(job.spec, job.userUpdateTime);
    changed();
    return job.toProto();
  }

  /** Dispatches the job now, beside any running execution; the schedule goes on unchanged. */
  synchronized Job run(RunJobRequest r) {
    JobState job = find(r.getName());
    Instant now = clock.instant();
    job.forced.add(new Execution(now, true, now));
    job.executions++;
    changed();
    return job.toProto();
  }

  private JobState find(String name) {
    Names.job(name);
    JobState job = jobs.get(name);
    if (job == null) {
      throw Names.notFound(name);
    }
    return job;
  }

  private static Job userFields(Job job) {
    return job.toBuilder()
        .clearName()
        .clearState()
        .clearStatus()
        .clearScheduleTime()
        .clearLastAttemptTime()
        .clearUserUpdateTime()
        .build();
  }

  private static Instant next(JobSpec spec, Instant after) {
    return spec.cron().next(after, spec.zone()).orElse(null);
  }

  // ---- the emulator's controls ----

  synchronized void setFaults(String jobName, FaultPlan plan) {
    if (jobName == null) {
      globalFaults = plan;
    } else {
      find(jobName).faults = plan;
    }
  }

  synchronized EmulatorStats stats() {
    Map<String, EmulatorStats.Job> perJob = new LinkedHashMap<>();
    for (JobState j : jobs.values()) {
      perJob.put(
          j.name,
          new EmulatorStats.Job(
              j.state.name(),
              j.executions,
              j.attempts,
              j.successes,
              j.failures,
              j.inFlight(),
              j.duplicatesInjected));
    }
    return EmulatorStats.of(perJob);
  }

  // ---- what the dispatcher asks ----

  /** What {@link #takeDue} found: the version to wait on and when something is due next. */
  record Due(long version, Instant next) {}

  /**
   * Starts the executions whose schedule time has come and takes the attempts that are due, marking
   * them in flight.
   */
  synchronized Due takeDue(List<Attempt> out) {
    Instant now = clock.instant();
    Instant next = Instant.MAX;
    for (JobState job : jobs.values()) {
      if (job.state == Job.State.PAUSED && job.scheduled != null && !job.scheduled.inFlight) {
        finish(job, job.scheduled); // a paused job makes no further retries
      }
      if (job.state == Job.State.ENABLED
          && job.scheduleTime != null
          && job.scheduled == null
          && !job.scheduleTime.isAfter(now)) {
        job.scheduled = new Execution(job.scheduleTime, false, now);
        job.executions++;
        // After a late start (the previous execution ran over) the times it missed are skipped.
        job.scheduleTime = next(job.spec, now);
      }
      for (Execution e : job.running()) {
        if (e.due(now)) {
          out.add(start(job, e, now));
        } else if (!e.inFlight && e.nextAttempt != null && e.nextAttempt.isBefore(next)) {
          next = e.nextAttempt;
        }
      }
      if (job.state == Job.State.ENABLED
          && job.scheduled == null
          && job.scheduleTime != null
          && job.scheduleTime.isBefore(next)) {
        next = job.scheduleTime;
      }
    }
    return new Due(version, next);
  }

  private Attempt start(JobState job, Execution e, Instant now) {
    e.inFlight = true;
    e.attempts++;
    if (e.firstAttempt == null) {
      e.firstAttempt = now;
    }
    job.lastAttemptTime = now;
    job.attempts++;
    FaultPlan faults = job.faults != null ? job.faults : globalFaults;
    int copies = random.nextDouble() < faults.concurrentDuplicate() ? 2 : 1;
    boolean again = random.nextDouble() < faults.duplicateDelivery();
    job.duplicatesInjected += (copies - 1) + (again ? 1 : 0);
    return new Attempt(job, job.spec, e, e.attempts, copies, again);
  }

  /**
   * Records an attempt's outcome: success ends the execution; a failure is retried with backoff
   * while the job's retry rules allow and the next schedule time has not come.
   */
  synchronized void complete(Attempt attempt, Outcome outcome) {
    JobState job = attempt.state();
    Execution e = attempt.execution();
    e.inFlight = false;
    if (jobs.get(job.name) != job) {
      return; // deleted meanwhile
    }
    job.status = outcome.status();
    if (outcome.success()) {
      job.successes++;
      finish(job, e);
      return;
    }
    job.failures++;
    Instant now = clock.instant();
    JobSpec spec = job.spec;
    int retriesMade = e.attempts - 1;
    boolean countReached = retriesMade >= spec.retryCount();
    boolean durationReached =
        spec.maxRetryDuration().isZero()
            || !now.isBefore(e.firstAttempt.plus(spec.maxRetryDuration()));
    Instant retryAt = now.plus(spec.backoff().interval(e.attempts));
    boolean nextScheduleCame =
        !e.forced && job.scheduleTime != null && !retryAt.isBefore(job.scheduleTime);
    if (spec.retryCount() == 0
        || (countReached && durationReached)
        || nextScheduleCame
        || job.state != Job.State.ENABLED) {
      finish(job, e);
    } else {
      e.nextAttempt = retryAt;
      changed();
    }
  }

  private void finish(JobState job, Execution e) {
    e.nextAttempt = null;
    if (job.scheduled == e) {
      job.scheduled = null;
    } else {
      job.forced.remove(e);
    }
    changed();
  }

  /** An attempt's result, as the job's {@code status} shows it. */
  record Outcome(boolean success, com.google.rpc.Status status) {}

  // ---- waking the dispatcher ----

  private void changed() {
    version++;
    notifyAll();
  }

  synchronized void signal() {
    changed();
  }

  /** Waits until something changed after {@code seen}, or {@code nanos} passed. */
  synchronized void awaitChange(long seen, long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    while (version == seen) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      wait(Math.max(1, left / 1_000_000), 0);
    }
  }
}
