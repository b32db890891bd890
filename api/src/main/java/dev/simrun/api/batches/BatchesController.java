package dev.simrun.api.batches;

import dev.simrun.api.docs.ProblemAnswers;
import dev.simrun.api.identity.Caller;
import dev.simrun.api.identity.Operators;
import dev.simrun.api.simulations.Submissions;
import dev.simrun.kinds.FieldError;
import dev.simrun.problems.ProblemException;
import dev.simrun.problems.ProblemTypes;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Batches, for operators (403 for anyone else): define, read and delete them, start a run by hand,
 * and see runs with their simulations. Cloud Scheduler starts runs through {@link
 * SchedulerTriggerController}.
 */
@ProblemAnswers
@Tag(name = "Operators: batches")
@Controller("/api/v1/batches")
@Secured(Operators.ROLE)
@ExecuteOn(TaskExecutors.BLOCKING)
class BatchesController {
  /** A batch's name: what Cloud Scheduler's job and URL carry. */
  static final String NAME = "[a-z0-9][a-z0-9-]{0,62}";

  static final Duration MIN_DEADLINE = Duration.ofSeconds(1);
  static final Duration MAX_DEADLINE = Duration.ofDays(7);

  private final BatchStore batches;
  private final BatchRunStore runs;
  private final BatchRuns runner;
  private final BatchTemplates templates;
  private final BatchesConfig config;

  BatchesController(
      BatchStore batches,
      BatchRunStore runs,
      BatchRuns runner,
      BatchTemplates templates,
      BatchesConfig config) {
    this.batches = batches;
    this.runs = runs;
    this.runner = runner;
    this.templates = templates;
    this.config = config;
  }

  @Get
  BatchResponse.Page list() {
    return new BatchResponse.Page(
        batches.list().stream()
            .map(b -> BatchResponse.of(b, templates.read(b.templates())))
            .toList());
  }

  @Get("/{name}")
  BatchResponse get(@PathVariable @Pattern(regexp = NAME) String name) {
    BatchDefinition b = batches.find(name).orElseThrow(() -> BatchRuns.noBatch(name));
    return BatchResponse.of(b, templates.read(b.templates()));
  }

  /**
   * Creates (201) or replaces (200) the batch. Each simulation is checked as a submit would be, as
   * the caller, who becomes the owner of the simulations its runs create. A change applies from the
   * next run.
   */
  @Put("/{name}")
  @Consumes(MediaType.APPLICATION_JSON)
  HttpResponse<BatchResponse> put(
      @Parameter(hidden = true) Caller caller,
      @PathVariable @Pattern(regexp = NAME) String name,
      @Body @Nullable BatchRequest request) {
    if (request == null) {
      throw new ProblemException(
          ProblemTypes.MALFORMED_BODY,
          "the body must be a JSON object",
          List.of(new FieldError("body", "a JSON object is required")));
    }
    List<FieldError> errors = new ArrayList<>();
    List<JsonNode> simulations = request.simulations();
    if (simulations == null || simulations.isEmpty()) {
      errors.add(new FieldError("simulations", "must list at least one simulation"));
    } else if (simulations.size() > config.maxTemplates()) {
      errors.add(
          new FieldError(
              "simulations",
              "must list at most "
                  + config.maxTemplates()
                  + " simulations, had "
                  + simulations.size()));
    }
    Overlap overlap = Overlap.SKIP;
    if (request.overlap() != null) {
      overlap = Overlap.fromWire(request.overlap()).orElse(null);
      if (overlap == null) {
        errors.add(new FieldError("overlap", "must be skip, cancelPrevious or allow"));
      }
    }
    Duration deadline = deadline(request.deadline(), errors);
    int failFastFirst = request.failFastFirst() == null ? 0 : request.failFastFirst();
    int count = simulations == null ? 0 : simulations.size();
    if (failFastFirst < 0 || failFastFirst > Math.max(count, 0)) {
      errors.add(
          new FieldError(
              "failFastFirst", "must be between 0 and the number of simulations (" + count + ")"));
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    templates.plan(caller.owner(), simulations);
    BatchStore.Put put;
    try {
      put =
          batches.put(
              name,
              caller.owner(),
              templates.write(simulations),
              overlap,
              deadline,
              failFastFirst,
              config.maxBatches());
    } catch (BatchStore.TooManyBatches e) {
      throw new ProblemException(ProblemTypes.OVER_LIMIT, e.getMessage());
    }
    BatchResponse body = BatchResponse.of(put.batch(), simulations);
    return (put.created() ? HttpResponse.created(body) : HttpResponse.ok(body))
        .header(HttpHeaders.LOCATION, "/api/v1/batches/" + name);
  }

  /** Deletes the definition (204); its runs stay readable, and those going on go on. */
  @Delete("/{name}")
  HttpResponse<Void> delete(@PathVariable @Pattern(regexp = NAME) String name) {
    if (!batches.delete(name)) {
      throw BatchRuns.noBatch(name);
    }
    return HttpResponse.noContent();
  }

  /**
   * Starts a run now, under the batch's policies: 202 with the run when this call started one, 200
   * with the run an earlier call with the same {@code Idempotency-Key} started, or with a SKIPPED
   * run. Without a key every call is a new run.
   */
  @Post("/{name}/runs")
  HttpResponse<RunResponse> run(
      @Parameter(hidden = true) Caller caller,
      @PathVariable @Pattern(regexp = NAME) String name,
      @Header(Submissions.IDEMPOTENCY_KEY) @Nullable String idempotencyKey) {
    if (idempotencyKey != null && !Submissions.validKey(idempotencyKey)) {
      throw ProblemException.badParameter(
          Submissions.IDEMPOTENCY_KEY,
          "must be 1 to " + Submissions.MAX_KEY + " printable ASCII characters");
    }
    String key =
        "manual:" + (idempotencyKey == null ? UUID.randomUUID().toString() : idempotencyKey);
    BatchRuns.Started started =
        runner.trigger(
            name, new BatchRuns.Trigger(BatchRun.MANUAL, key, null, "operator " + caller.owner()));
    return answer(started);
  }

  /** Newest first; {@code before} (a run's {@code createdAt}) pages back. */
  @Get("/{name}/runs")
  RunResponse.Page runs(
      @PathVariable @Pattern(regexp = NAME) String name,
      @QueryValue(defaultValue = "20") @Min(1) @Max(100) int limit,
      @QueryValue @Nullable String before) {
    Instant from = null;
    if (before != null) {
      try {
        from = Instant.parse(before);
      } catch (DateTimeParseException e) {
        throw ProblemException.badParameter(
            "before", "must be an instant such as 2026-12-07T02:00:00Z");
      }
    }
    List<BatchRun> page = runs.list(name, limit, from);
    // A deleted batch's runs stay readable; a name with neither a batch nor runs is unknown.
    if (page.isEmpty()
        && batches.find(name).isEmpty()
        && (from == null || runs.list(name, 1, null).isEmpty())) {
      throw BatchRuns.noBatch(name);
    }
    String next = page.size() == limit ? page.getLast().createdAt().toString() : null;
    return new RunResponse.Page(page.stream().map(RunResponse::of).toList(), next);
  }

  @Get("/{name}/runs/{id}")
  RunResponse run(@PathVariable @Pattern(regexp = NAME) String name, @PathVariable UUID id) {
    return runs.detail(name, id)
        .map(RunResponse::of)
        .orElseThrow(
            () ->
                new ProblemException(
                    ProblemTypes.NOT_FOUND, "no run " + id + " of batch '" + name + "'"));
  }

  /** 202 when the trigger started a run, 200 for any other answer (a repeat, a skip, a miss). */
  static HttpResponse<RunResponse> answer(BatchRuns.Started started) {
    RunResponse body = RunResponse.of(started.run());
    String location = body.links().get("self");
    boolean began = started.created() && started.run().status() == RunStatus.RUNNING;
    return (began ? HttpResponse.accepted() : HttpResponse.<RunResponse>ok())
        .header(HttpHeaders.LOCATION, location)
        .body(body);
  }

  private static @Nullable Duration deadline(@Nullable String text, List<FieldError> errors) {
    if (text == null) {
      return null;
    }
    try {
      Duration d = Duration.parse(text);
      if (d.compareTo(MIN_DEADLINE) < 0 || d.compareTo(MAX_DEADLINE) > 0) {
        errors.add(new FieldError("deadline", "must be between PT1S and P7D, was " + text));
        return null;
      }
      return d;
    } catch (DateTimeParseException e) {
      errors.add(new FieldError("deadline", "must be an ISO-8601 duration such as PT2H"));
      return null;
    }
  }
}
