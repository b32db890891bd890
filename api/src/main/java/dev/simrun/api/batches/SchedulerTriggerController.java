package dev.simrun.api.batches;

import dev.simrun.problems.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * What Cloud Scheduler calls to start a batch's run. {@link SchedulerAuthFilter} has verified the
 * Scheduler's token by then (people's sign-in does not apply here). One run per schedule time: the
 * Scheduler's retries and duplicate deliveries of the same time find the run the first recorded.
 * Answers within Scheduler's attempt deadline: it only records the run and its simulations.
 */
@Hidden
@Controller("/internal/v1/batches")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class SchedulerTriggerController {
  static final String SCHEDULE_TIME = "X-CloudScheduler-ScheduleTime";
  static final String JOB_NAME = "X-CloudScheduler-JobName";

  private final BatchRuns runner;

  SchedulerTriggerController(BatchRuns runner) {
    this.runner = runner;
  }

  /**
   * 202 with the run when this trigger started it; 200 with the run for a repeat of a schedule
   * time, or a run recorded as SKIPPED or MISSED (Scheduler must not retry those); 404 for an
   * unknown batch (the job fails visibly until the batch is defined).
   */
  @Post("/{name}/runs")
  HttpResponse<RunResponse> trigger(
      @PathVariable @Pattern(regexp = BatchesController.NAME) String name,
      @Header(SCHEDULE_TIME) @Nullable String scheduleTime,
      @Header(JOB_NAME) @Nullable String jobName,
      @RequestAttribute(SchedulerAuthFilter.ACCOUNT) String account) {
    Instant at = scheduleTime(scheduleTime);
    String by = account + (jobName == null ? "" : " (job " + jobName + ")");
    return BatchesController.answer(
        runner.trigger(name, new BatchRuns.Trigger(BatchRun.SCHEDULER, "scheduler:" + at, at, by)));
  }

  private static Instant scheduleTime(@Nullable String text) {
    if (text == null || text.isBlank()) {
      throw ProblemException.badParameter(
          SCHEDULE_TIME, "is required: Cloud Scheduler sends the time the run was scheduled for");
    }
    try {
      return OffsetDateTime.parse(text.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw ProblemException.badParameter(
          SCHEDULE_TIME, "must be an RFC 3339 time such as 2026-12-07T02:00:00Z");
    }
  }
}
