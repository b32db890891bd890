package dev.simrun.api.simulations;

import dev.simrun.api.dispatch.OutboxPump;
import dev.simrun.api.docs.ProblemAnswers;
import dev.simrun.api.identity.Caller;
import dev.simrun.api.limits.LimitMetrics;
import dev.simrun.api.problems.ApiProblems;
import dev.simrun.kinds.ResultTable;
import dev.simrun.kinds.SimulationKind;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.problems.ProblemException;
import dev.simrun.problems.ProblemTypes;
import dev.simrun.shared.dispatch.TaskDeleter;
import dev.simrun.shared.events.EventPublisher;
import dev.simrun.shared.logging.LogFields;
import dev.simrun.shared.simulations.AdmissionRefused;
import dev.simrun.shared.simulations.NewSimulation;
import dev.simrun.shared.simulations.SimulationStatus;
import dev.simrun.shared.simulations.SimulationStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import java.util.UUID;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Submit, read, list simulations and fetch results; everything is scoped to the caller. */
@ProblemAnswers
@Tag(name = "Simulations")
@Controller("/api/v1/simulations")
@ExecuteOn(TaskExecutors.BLOCKING)
class SimulationsController {
  private static final Logger LOG = LoggerFactory.getLogger(SimulationsController.class);

  static final String CSV = "text/csv";

  /** Rows encoded and written together when streaming result.csv. */
  static final int CSV_BATCH = 500;

  private final Submissions submissions;
  private final SimulationKinds kinds;
  private final SimulationStore store;
  private final OutboxPump pump;

  private final EventPublisher events;
  private final TaskDeleter tasks;
  private final LimitMetrics limits;

  SimulationsController(
      Submissions submissions,
      SimulationKinds kinds,
      SimulationStore store,
      OutboxPump pump,
      EventPublisher events,
      TaskDeleter tasks,
      LimitMetrics limits) {
    this.limits = limits;
    this.submissions = submissions;
    this.kinds = kinds;
    this.store = store;
    this.pump = pump;
    this.events = events;
    this.tasks = tasks;
  }

  /**
   * 202 once the simulation, its chunks and their outbox rows are committed; the pump creates the
   * tasks afterwards. A repeated {@code Idempotency-Key} answers 200 with the first submission.
   */
  @SuppressWarnings("try") // the log fields hold for the whole block
  @Post
  @Consumes(MediaType.APPLICATION_JSON)
  HttpResponse<SubmitResponse> submit(
      @Parameter(hidden = true) Caller caller,
      @Body @Nullable SubmitRequest request,
      @Header(Submissions.IDEMPOTENCY_KEY) @Nullable String idempotencyKey) {
    NewSimulation simulation = submissions.plan(caller, request, idempotencyKey);
    SimulationStore.Submission done;
    try (LogFields fields = LogFields.simulation(simulation.id()).owner(caller.owner())) {
      try {
        done = store.create(simulation);
      } catch (AdmissionRefused e) {
        limits.refused(e.limit());
        throw e;
      }
      if (done.created()) {
        LOG.info(
            "simulation {} accepted: {} {} in {} chunks",
            done.id(),
            simulation.priority().wire(),
            simulation.kind(),
            done.chunkCount());
        pump.wake();
        events.publish(done.queued());
      }
    }
    MutableHttpResponse<SubmitResponse> response =
        done.created() ? HttpResponse.accepted() : HttpResponse.ok();
    return response
        .header(HttpHeaders.LOCATION, "/api/v1/simulations/" + done.id())
        .body(SubmitResponse.of(done));
  }

  @Get("/{id}")
  SimulationResponse get(@Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
    return store
        .find(caller.owner(), id)
        .map(SimulationResponse::of)
        .orElseThrow(() -> notFound(id));
  }

  /**
   * The caller's simulations, newest first; pass {@code nextCursor} back for the next page. A
   * status in any case; an unknown one, or a cursor no page handed out, is a 400 naming it.
   */
  @Get
  SimulationPage list(
      @Parameter(hidden = true) Caller caller,
      @QueryValue @Nullable SimulationStatus status,
      @QueryValue(defaultValue = "20") @Min(1) @Max(100) int limit,
      @QueryValue @Nullable String cursor) {
    return SimulationPage.of(store.list(caller.owner(), status, limit, cursor));
  }

  /**
   * The final result, byte for byte as stored, once the simulation has SUCCEEDED, or is PARTIAL:
   * then the result of the chunks that succeeded.
   */
  @Get(value = "/{id}/result", produces = MediaType.APPLICATION_JSON)
  HttpResponse<byte[]> result(@Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
    SimulationStore.Outcome outcome = finished(caller, id);
    return HttpResponse.ok(outcome.result()).contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  /**
   * The final result as CSV, streamed in batches of rows as the client reads: one row per unit of a
   * backtest, per day and agent of a forecast (see {@link SimulationKind#table}).
   */
  @Get(value = "/{id}/result.csv", produces = CSV)
  HttpResponse<Publisher<byte[]>> resultCsv(
      @Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
    SimulationStore.Outcome outcome = finished(caller, id);
    SimulationKind<?, ?, ?> kind =
        kinds
            .find(outcome.kind())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "simulation " + id + " has unknown kind " + outcome.kind()));
    ResultTable table =
        kinds
            .table(kind, outcome.params(), outcome.result())
            .orElseThrow(
                () ->
                    new ProblemException(
                        ProblemTypes.NOT_FOUND,
                        "a " + outcome.kind() + " result has no CSV form; read /result"));
    Flux<byte[]> body =
        Flux.concat(
                Mono.fromSupplier(() -> CsvRows.encode(List.of(table.columns()))),
                Flux.fromStream(table.rows()).buffer(CSV_BATCH).map(CsvRows::encode))
            .subscribeOn(Schedulers.boundedElastic());
    return HttpResponse.<Publisher<byte[]>>ok(body)
        .contentType(CSV)
        .header(
            HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"simulation-" + id + ".csv\"");
  }

  /** The simulation's outcome once it has a result: SUCCEEDED, or PARTIAL. */
  private SimulationStore.Outcome finished(@Parameter(hidden = true) Caller caller, UUID id) {
    SimulationStore.Outcome outcome =
        store.outcome(caller.owner(), id).orElseThrow(() -> notFound(id));
    if (outcome.status() != SimulationStatus.SUCCEEDED
        && outcome.status() != SimulationStatus.PARTIAL) {
      throw new ProblemException(
          ApiProblems.RESULT_NOT_READY,
          "simulation "
              + id
              + " is "
              + outcome.status()
              + "; a result exists once it has SUCCEEDED (or is PARTIAL)");
    }
    if (outcome.result() == null) {
      throw new IllegalStateException(
          "simulation " + id + " " + outcome.status() + " without a result");
    }
    return outcome;
  }

  /**
   * 202 with the simulation, CANCELLING until its running chunks have stopped (they notice within a
   * second), then CANCELLED; again for a simulation already cancelling. 409 once it has ended.
   */
  @Post("/{id}/cancel")
  HttpResponse<SimulationResponse> cancel(
      @Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
    switch (store.cancel(caller.owner(), id)) {
      case SimulationStore.NoSuchSimulation n -> throw notFound(id);
      case SimulationStore.AlreadyFinished f ->
          throw new ProblemException(
              ApiProblems.ALREADY_FINISHED,
              "simulation "
                  + id
                  + " is "
                  + f.status()
                  + "; only a queued or running one can be"
                  + " cancelled");
      case SimulationStore.Cancelling c -> {
        c.cancelled().ifPresent(events::publish);
        tasks.deleteLater(c.pendingTasks());
      }
    }
    return HttpResponse.accepted()
        .body(store.find(caller.owner(), id).map(SimulationResponse::of).orElseThrow());
  }

  private static ProblemException notFound(UUID id) {
    return new ProblemException(ProblemTypes.NOT_FOUND, "no simulation " + id);
  }
}
