package dev.simrun.worker.chunks;

import dev.simrun.problems.ProblemResponses;
import dev.simrun.shared.dispatch.TaskPayloads;
import dev.simrun.shared.dispatch.TaskPayloads.ChunkTask;
import dev.simrun.shared.logging.LogFields;
import dev.simrun.shared.tracing.Tracing;
import dev.simrun.worker.TaskAnswer;
import dev.simrun.worker.WorkerConfig;
import dev.simrun.worker.auth.TaskDelivery;
import dev.simrun.worker.problems.WorkerProblems;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /tasks/v1/chunks}: Cloud Tasks' push of one chunk. 200 when the chunk ran, needs
 * nothing (duplicates, stale generations, lost races) or became a dead letter (a permanent failure,
 * or the last attempt the failure budget allows failed); 409 while another attempt holds the chunk;
 * 429 with {@code Retry-After} when this instance runs as many chunks as it may and no slot freed
 * within the admission wait ({@link ChunkSlots}), before anything is claimed; 500 when the attempt
 * failed and will be retried; 503 when it ran past the hard time limit or the database cannot be
 * reached. Runs on a blocking (virtual) thread.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class ChunkController {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkController.class);
  private static final String TASK_ETA = "X-CloudTasks-TaskETA";

  private final ChunkRunner runner;
  private final ChunkSlots slots;
  private final ChunkMetrics metrics;
  private final String retryAfter;
  private final Tracing tracing;

  /** The server span of a push, named as HTTP server spans are: method and route. */
  static final String PUSH_SPAN = "POST " + TaskPayloads.CHUNK_PATH;

  ChunkController(
      ChunkRunner runner,
      ChunkSlots slots,
      ChunkMetrics metrics,
      WorkerConfig config,
      Tracing tracing) {
    this.tracing = tracing;
    this.runner = runner;
    this.slots = slots;
    this.metrics = metrics;
    this.retryAfter = Long.toString(Math.max(1, config.busyRetryAfter().toSeconds()));
  }

  @SuppressWarnings("try") // the log fields hold for the whole block
  @Post(TaskPayloads.CHUNK_PATH)
  HttpResponse<?> run(@Body ChunkTask task, HttpRequest<?> request) throws InterruptedException {
    try (Tracing.Step push =
            tracing
                .push(PUSH_SPAN, request.getHeaders()::get)
                .about(task.simulationId(), task.chunkIndex());
        LogFields fields = LogFields.chunk(task.simulationId(), task.chunkIndex())) {
      HttpResponse<?> response = runLogged(task, request);
      push.status(response.code());
      return response;
    }
  }

  private HttpResponse<?> runLogged(ChunkTask task, HttpRequest<?> request)
      throws InterruptedException {
    TaskDelivery delivery = TaskDelivery.of(request.getHeaders());
    String chunk = task.simulationId() + "/" + task.chunkIndex() + " g" + task.generation();
    Optional<ChunkSlots.Slot> slot = slots.acquire(task.simulationId());
    if (slot.isEmpty()) {
      var routing = slots.routing(task.simulationId());
      metrics.refused(ChunkMetrics.REFUSED_BUSY, routing.kind(), routing.priority());
      LOG.info("chunk {} refused: every slot busy and no turn in time, {}", chunk, delivery);
      return ProblemResponses.of(
              WorkerProblems.WORKER_BUSY,
              "this worker runs as many chunks as it may and no slot freed in time;"
                  + " nothing was claimed",
              request.getPath())
          .header(HttpHeaders.RETRY_AFTER, retryAfter);
    }
    ChunkSlots.Slot held = slot.get();
    ChunkMetrics.Attempt attempt =
        metrics.attempt(
            held.kind(), held.priority(), ChunkMetrics.eta(request.getHeaders().get(TASK_ETA)));
    try {
      ChunkOutcome outcome = runner.run(task, delivery, attempt);
      attempt.ended(outcome);
      return answer(outcome, chunk, delivery, request);
    } finally {
      held.close();
    }
  }

  @SuppressWarnings("try") // the attempt is a log field of the line it encloses
  private static HttpResponse<?> answer(
      ChunkOutcome outcome, String chunk, TaskDelivery delivery, HttpRequest<?> request) {
    return switch (outcome) {
      case ChunkOutcome.Committed c -> {
        try (LogFields attempt = LogFields.ofAttempt(c.attempt())) {
          LOG.info("chunk {} committed as attempt {}, {}", chunk, c.attempt(), delivery);
        }
        yield HttpResponse.ok(
            new TaskAnswer(
                "committed",
                c.completedSimulation() ? "last chunk: finalize enqueued" : null,
                c.attempt()));
      }
      case ChunkOutcome.NothingToDo n -> {
        LOG.debug("chunk {}: nothing to do ({}), {}", chunk, n.why(), delivery);
        yield HttpResponse.ok(TaskAnswer.of("nothing-to-do", n.why()));
      }
      case ChunkOutcome.Superseded s -> {
        LOG.info(
            "chunk {} attempt {} superseded; result dropped, {}", chunk, s.attempt(), delivery);
        yield HttpResponse.ok(
            new TaskAnswer("superseded", "a newer attempt owns the chunk", s.attempt()));
      }
      case ChunkOutcome.Cancelled x ->
          HttpResponse.ok(
              new TaskAnswer("cancelled", "the simulation is being cancelled", x.attempt()));
      case ChunkOutcome.DeadLettered d ->
          HttpResponse.ok(
              new TaskAnswer(
                  "dead-lettered",
                  "dead letter " + d.deadLetter().id() + ": " + d.deadLetter().error(),
                  d.attempt()));
      case ChunkOutcome.TimedOut t ->
          ProblemResponses.of(
              WorkerProblems.CHUNK_TIMED_OUT,
              "attempt " + t.attempt() + " " + t.error(),
              request.getPath());
      case ChunkOutcome.Busy b -> {
        LOG.debug("chunk {} busy until {}, {}", chunk, b.leaseUntil(), delivery);
        // No Retry-After: Cloud Tasks would hold the whole queue for it.
        yield ProblemResponses.of(
            WorkerProblems.CHUNK_BUSY,
            "another attempt holds the chunk until " + b.leaseUntil(),
            request.getPath());
      }
      case ChunkOutcome.Failed f ->
          ProblemResponses.of(
              WorkerProblems.CHUNK_FAILED,
              "attempt " + f.attempt() + " failed: " + f.error(),
              request.getPath());
    };
  }
}
