package dev.simrun.worker.chunks;

import dev.simrun.kinds.ChunkCancelledException;
import dev.simrun.kinds.PermanentChunkFailure;
import dev.simrun.kinds.SimulationKind;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.kinds.UnitRange;
import dev.simrun.shared.config.TasksConfig;
import dev.simrun.shared.deadletters.DeadLetterPublisher;
import dev.simrun.shared.dispatch.OutboxDispatcher;
import dev.simrun.shared.dispatch.TaskDeleter;
import dev.simrun.shared.dispatch.TaskPayloads.ChunkTask;
import dev.simrun.shared.events.EventPublisher;
import dev.simrun.shared.logging.LogFields;
import dev.simrun.shared.simulations.ChunkAttempts;
import dev.simrun.shared.simulations.ChunkFailures;
import dev.simrun.shared.simulations.ChunkFailures.FailedAttempt;
import dev.simrun.shared.simulations.ChunkStore;
import dev.simrun.shared.simulations.ChunkStore.Claimed;
import dev.simrun.shared.tracing.Tracing;
import dev.simrun.worker.WorkerConfig;
import dev.simrun.worker.auth.TaskDelivery;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one delivery of a chunk task: claim (a short transaction that fences the attempt), run the
 * kind outside any transaction and within the time limits, commit fenced by the attempt, and, when
 * this commit finished the simulation, create its finalize task right away.
 *
 * <p>A failed attempt is given back for Cloud Tasks to retry with the queue's backoff, unless it
 * cannot succeed (a permanent failure) or it was the queue's last attempt: then the chunk becomes a
 * dead letter, and the delivery is answered 2xx so that Cloud Tasks stops.
 */
@Singleton
public class ChunkRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkRunner.class);

  /** Errors are kept for people to read, not whole stack traces. */
  static final int MAX_ERROR = 2_000;

  private final ChunkStore chunks;
  private final ChunkAttempts attempts;
  private final ChunkFailures failures;
  private final SimulationKinds kinds;
  private final OutboxDispatcher dispatcher;
  private final WorkerConfig config;
  private final TasksConfig tasks;
  private final Clock clock;
  private final EventPublisher events;
  private final DeadLetterPublisher deadLetters;
  private final TaskDeleter taskDeleter;
  private final Tracing tracing;

  public ChunkRunner(
      ChunkStore chunks,
      ChunkAttempts attempts,
      ChunkFailures failures,
      SimulationKinds kinds,
      OutboxDispatcher dispatcher,
      WorkerConfig config,
      TasksConfig tasks,
      Clock clock,
      EventPublisher events,
      DeadLetterPublisher deadLetters,
      TaskDeleter taskDeleter,
      Tracing tracing) {
    this.chunks = chunks;
    this.attempts = attempts;
    this.failures = failures;
    this.kinds = kinds;
    this.dispatcher = dispatcher;
    this.config = config;
    this.tasks = tasks;
    this.clock = clock;
    this.events = events;
    this.deadLetters = deadLetters;
    this.taskDeleter = taskDeleter;
    this.tracing = tracing;
  }

  /** Runs one delivery; {@code metrics} hears when the chunk was claimed. */
  @SuppressWarnings("try") // the log fields hold for the whole block
  public ChunkOutcome run(ChunkTask task, TaskDelivery delivery, ChunkMetrics.Attempt metrics) {
    ChunkStore.Claim claim =
        chunks.claim(task.simulationId(), task.chunkIndex(), task.generation(), config.lease());
    Tracing.event("chunk.claimed", claim.getClass().getSimpleName());
    return switch (claim) {
      case ChunkStore.NothingToDo n -> new ChunkOutcome.NothingToDo(n.why());
      case ChunkStore.Busy b -> new ChunkOutcome.Busy(b.leaseUntil());
      case Claimed claimed -> {
        try (LogFields fields = LogFields.claimed(claimed.attempt(), claimed.owner())) {
          metrics.started();
          events.publish(claimed.events());
          yield kinds
              .find(claimed.kind())
              .map(kind -> runAs(kind, claimed, delivery))
              .orElseGet(
                  () ->
                      fail(
                          claimed,
                          delivery,
                          "no simulation kind named " + claimed.kind(),
                          true,
                          false));
        }
      }
    };
  }

  private <P, C, R> ChunkOutcome runAs(
      SimulationKind<P, C, R> kind, Claimed claimed, TaskDelivery delivery) {
    P params;
    try {
      params = kinds.readParams(kind, claimed.paramsJson());
    } catch (IOException | RuntimeException e) {
      return fail(
          claimed,
          delivery,
          "parameters do not fit " + kind.name() + ": " + e.getMessage(),
          true,
          false);
    }
    ProgressContext context = new ProgressContext(attempts, events, clock, claimed, config, kinds);
    byte[] result;
    try (Tracing.Step step =
        tracing
            .step("chunk.run", claimed.simulationId(), claimed.chunkIndex())
            .attempt(claimed.attempt())) {
      // The kind runs on a thread of its own, in this span and with these log fields.
      FutureTask<byte[]> run =
          new FutureTask<>(
              Tracing.carried(
                  () ->
                      kinds.write(
                          kind.runChunk(
                              params,
                              new UnitRange(claimed.unitFrom(), claimed.unitTo()),
                              context))));
      Thread.ofVirtual()
          .name("chunk-" + claimed.simulationId() + "-" + claimed.chunkIndex())
          .start(run);
      try {
        result = run.get(config.hardTimeLimit().toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        run.cancel(true);
        step.failed("ran past the hard time limit");
        return fail(
            claimed,
            delivery,
            "ran past the hard time limit of " + config.hardTimeLimit() + " and was abandoned",
            false,
            true);
      } catch (InterruptedException e) {
        run.cancel(true);
        Thread.currentThread().interrupt();
        step.failed("interrupted");
        return fail(claimed, delivery, "the worker was interrupted", false, true);
      } catch (ExecutionException e) {
        step.failed(String.valueOf(e.getCause()));
        return failed(claimed, delivery, context, e.getCause());
      }
    }
    ChunkOutcome outcome = commit(claimed, result);
    Tracing.event("chunk.committed", outcome.getClass().getSimpleName());
    return outcome;
  }

  private ChunkOutcome failed(
      Claimed claimed, TaskDelivery delivery, ProgressContext context, Throwable error) {
    if (error instanceof ChunkCancelledException && context.timedOut()) {
      return fail(
          claimed,
          delivery,
          "stopped at the soft time limit of " + config.softTimeLimit(),
          false,
          false);
    }
    if (error instanceof ChunkCancelledException) {
      LOG.info(
          "chunk {}/{} attempt {} stopped: the simulation is no longer running",
          claimed.simulationId(),
          claimed.chunkIndex(),
          claimed.attempt());
      attempts
          .stopCancelled(claimed.simulationId(), claimed.chunkIndex(), claimed.attempt())
          .ifPresent(events::publish);
      return new ChunkOutcome.Cancelled(claimed.attempt());
    }
    boolean permanent = error instanceof PermanentChunkFailure;
    LOG.warn(
        "chunk {}/{} attempt {} failed{}",
        claimed.simulationId(),
        claimed.chunkIndex(),
        claimed.attempt(),
        permanent ? " permanently" : "",
        error);
    return fail(claimed, delivery, error.toString(), permanent, false);
  }

  private ChunkOutcome commit(Claimed claimed, byte[] result) {
    return switch (chunks.commitSuccess(
        claimed.simulationId(), claimed.chunkIndex(), claimed.attempt(), result)) {
      case ChunkStore.Superseded s -> new ChunkOutcome.Superseded(claimed.attempt());
      case ChunkStore.Committed c -> {
        events.publish(c.events());
        if (c.finalizeOutboxId() != null) {
          dispatchFinalize(claimed, c.finalizeOutboxId());
        }
        yield new ChunkOutcome.Committed(claimed.attempt(), c.finalizeOutboxId() != null);
      }
    };
  }

  /**
   * A failed attempt: a dead letter when it is permanent or the queue's last attempt, otherwise the
   * chunk is given back for the retry.
   */
  private ChunkOutcome fail(
      Claimed claimed, TaskDelivery delivery, String why, boolean permanent, boolean abandoned) {
    String error = why.length() <= MAX_ERROR ? why : why.substring(0, MAX_ERROR - 1) + "…";
    if (permanent || tasks.lastAttempt(delivery.failedAttempts())) {
      return deadLetter(claimed, delivery, error, permanent);
    }
    release(claimed, error);
    return abandoned
        ? new ChunkOutcome.TimedOut(claimed.attempt(), error)
        : new ChunkOutcome.Failed(claimed.attempt(), error);
  }

  private ChunkOutcome deadLetter(
      Claimed claimed, TaskDelivery delivery, String error, boolean permanent) {
    var outcome =
        failures.deadLetter(
            new FailedAttempt(
                claimed.simulationId(),
                claimed.chunkIndex(),
                claimed.attempt(),
                delivery.taskName(),
                error,
                delivery.retryCount() + 1,
                permanent));
    return switch (outcome) {
      case ChunkFailures.NotOwned n -> new ChunkOutcome.Superseded(claimed.attempt());
      case ChunkFailures.StoppedForCancel s -> {
        s.cancelled().ifPresent(events::publish);
        yield new ChunkOutcome.Cancelled(claimed.attempt());
      }
      case ChunkFailures.DeadLettered d -> {
        LOG.error(
            "chunk {}/{} is a dead letter ({}, {}): {}",
            claimed.simulationId(),
            claimed.chunkIndex(),
            d.deadLetter().id(),
            permanent ? "permanent failure" : "attempts exhausted, " + delivery,
            error);
        events.publish(d.events());
        deadLetters.publish(d.deadLetter());
        // failFast cancelled the chunks that had not run: their tasks need not wait in the queue.
        taskDeleter.deleteLater(d.cancelledTasks());
        if (d.finalizeOutboxId() != null) {
          dispatchFinalize(claimed, d.finalizeOutboxId());
        }
        yield new ChunkOutcome.DeadLettered(claimed.attempt(), d.deadLetter());
      }
    };
  }

  private void release(Claimed claimed, String error) {
    try {
      attempts
          .release(claimed.simulationId(), claimed.chunkIndex(), claimed.attempt(), error)
          .ifPresent(events::publish);
    } catch (RuntimeException e) {
      LOG.warn(
          "chunk {}/{} not released; its lease will lapse instead: {}",
          claimed.simulationId(),
          claimed.chunkIndex(),
          e.toString());
    }
  }

  /** The api's outbox pump creates the task too if this fails: the row stays until it exists. */
  private void dispatchFinalize(Claimed claimed, long outboxId) {
    try {
      if (!dispatcher.dispatchNow(outboxId)) {
        LOG.info(
            "finalize of {} left to the outbox pump (row {} taken or not created yet)",
            claimed.simulationId(),
            outboxId);
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "finalize task of {} not created now; the outbox pump retries row {}",
          claimed.simulationId(),
          outboxId,
          e);
    }
  }
}
