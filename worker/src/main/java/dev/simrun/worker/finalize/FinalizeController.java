package dev.simrun.worker.finalize;

import dev.simrun.problems.ProblemResponses;
import dev.simrun.shared.config.TasksConfig;
import dev.simrun.shared.dispatch.TaskPayloads;
import dev.simrun.shared.dispatch.TaskPayloads.FinalizeTask;
import dev.simrun.shared.logging.LogFields;
import dev.simrun.shared.tracing.Tracing;
import dev.simrun.worker.TaskAnswer;
import dev.simrun.worker.auth.TaskDelivery;
import dev.simrun.worker.problems.WorkerProblems;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /tasks/v1/finalize}: reduce a finished simulation. 200 when it finalized, or when
 * there is nothing to do (unknown, already terminal, lost the race to another delivery); 409 while
 * chunks are outstanding; 500 when the reduce failed and will be retried. When it fails on the
 * queue's last attempt the simulation FAILS (with the error), rather than wait for a task Cloud
 * Tasks is about to drop.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class FinalizeController {
  private static final Logger LOG = LoggerFactory.getLogger(FinalizeController.class);

  private final Finalizer finalizer;
  private final TasksConfig tasks;
  private final Tracing tracing;

  /** The server span of a push, named as HTTP server spans are: method and route. */
  static final String PUSH_SPAN = "POST " + TaskPayloads.FINALIZE_PATH;

  FinalizeController(Finalizer finalizer, TasksConfig tasks, Tracing tracing) {
    this.finalizer = finalizer;
    this.tasks = tasks;
    this.tracing = tracing;
  }

  @SuppressWarnings("try") // the log fields hold for the whole block
  @Post(TaskPayloads.FINALIZE_PATH)
  HttpResponse<?> run(@Body FinalizeTask task, HttpRequest<?> request) {
    TaskDelivery delivery = TaskDelivery.of(request.getHeaders());
    try (Tracing.Step push = tracing.push(PUSH_SPAN, request.getHeaders()::get);
        LogFields fields = LogFields.simulation(task.simulationId());
        Tracing.Step step = tracing.step("simulation.finalize", task.simulationId(), null)) {
      FinalizeOutcome outcome = finalizer.run(task, tasks.lastAttempt(delivery.failedAttempts()));
      step.outcome(outcome.getClass().getSimpleName());
      HttpResponse<?> response = answer(task, request, delivery, outcome);
      push.status(response.code());
      return response;
    }
  }

  private static HttpResponse<?> answer(
      FinalizeTask task, HttpRequest<?> request, TaskDelivery delivery, FinalizeOutcome outcome) {
    return switch (outcome) {
      case FinalizeOutcome.Finalized f -> {
        LOG.info("simulation {} finalized, {}", task.simulationId(), delivery);
        yield HttpResponse.ok(TaskAnswer.of("finalized", null));
      }
      case FinalizeOutcome.NothingToDo n -> {
        LOG.debug("finalize {}: nothing to do ({}), {}", task.simulationId(), n.why(), delivery);
        yield HttpResponse.ok(TaskAnswer.of("nothing-to-do", n.why()));
      }
      case FinalizeOutcome.Outstanding o -> {
        LOG.info(
            "finalize {}: {} of {} chunks outstanding, {}",
            task.simulationId(),
            o.missing(),
            o.total(),
            delivery);
        yield ProblemResponses.of(
            WorkerProblems.CHUNKS_OUTSTANDING,
            o.missing() + " of " + o.total() + " chunks have not succeeded",
            request.getPath());
      }
      case FinalizeOutcome.Failed f ->
          ProblemResponses.of(WorkerProblems.FINALIZE_FAILED, f.error(), request.getPath());
    };
  }
}
