package dev.simrun.worker.chunks;

import dev.simrun.shared.dispatch.OutboxDispatcher;
import dev.simrun.shared.dispatch.TaskPayloads.ChunkTask;
import dev.simrun.shared.events.EventPublisher;
import dev.simrun.shared.kinds.ChunkCancelledException;
import dev.simrun.shared.kinds.SimulationKind;
import dev.simrun.shared.kinds.SimulationKinds;
import dev.simrun.shared.kinds.UnitRange;
import dev.simrun.shared.simulations.ChunkStore;
import dev.simrun.shared.simulations.ChunkStore.Claimed;
import dev.simrun.worker.WorkerConfig;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one delivery of a chunk task: claim (a short transaction that fences the attempt), run the
 * kind outside any transaction, commit fenced by the attempt, and, when this commit finished the
 * simulation, create its finalize task right away.
 */
@Singleton
public class ChunkRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkRunner.class);

  private final ChunkStore chunks;
  private final SimulationKinds kinds;
  private final OutboxDispatcher dispatcher;
  private final WorkerConfig config;
  private final Clock clock;
  private final EventPublisher events;

  public ChunkRunner(
      ChunkStore chunks,
      SimulationKinds kinds,
      OutboxDispatcher dispatcher,
      WorkerConfig config,
      Clock clock,
      EventPublisher events) {
    this.events = events;
    this.chunks = chunks;
    this.kinds = kinds;
    this.dispatcher = dispatcher;
    this.config = config;
    this.clock = clock;
  }

  public ChunkOutcome run(ChunkTask task) {
    return switch (chunks.claim(
        task.simulationId(), task.chunkIndex(), task.generation(), config.lease())) {
      case ChunkStore.NothingToDo n -> new ChunkOutcome.NothingToDo(n.why());
      case ChunkStore.Busy b -> new ChunkOutcome.Busy(b.leaseUntil());
      case Claimed claimed -> {
        events.publish(claimed.events());
        yield kinds
            .find(claimed.kind())
            .map(kind -> runAs(kind, claimed))
            .orElseGet(() -> unrunnable(claimed, "no simulation kind named " + claimed.kind()));
      }
    };
  }

  private <P, C, R> ChunkOutcome runAs(SimulationKind<P, C, R> kind, Claimed claimed) {
    P params;
    try {
      params = kinds.readParams(kind, claimed.paramsJson());
    } catch (IOException | RuntimeException e) {
      return unrunnable(claimed, "parameters do not fit " + kind.name() + ": " + e.getMessage());
    }
    byte[] result;
    try {
      C chunkResult =
          kind.runChunk(
              params,
              new UnitRange(claimed.unitFrom(), claimed.unitTo()),
              new ProgressContext(chunks, events, clock, claimed, config));
      result = kinds.write(chunkResult);
    } catch (ChunkCancelledException e) {
      LOG.info(
          "chunk {}/{} attempt {} stopped: the simulation is being cancelled",
          claimed.simulationId(),
          claimed.chunkIndex(),
          claimed.attempt());
      chunks
          .stopCancelled(claimed.simulationId(), claimed.chunkIndex(), claimed.attempt())
          .ifPresent(events::publish);
      return new ChunkOutcome.Cancelled(claimed.attempt());
    } catch (RuntimeException e) {
      LOG.warn(
          "chunk {}/{} attempt {} failed; giving it back for a retry",
          claimed.simulationId(),
          claimed.chunkIndex(),
          claimed.attempt(),
          e);
      release(claimed, e.toString());
      return new ChunkOutcome.Failed(claimed.attempt(), e.toString());
    }
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

  /** Logged as an error: only a person can fix it. The chunk is given back, not lost. */
  private ChunkOutcome unrunnable(Claimed claimed, String why) {
    LOG.error(
        "chunk {}/{} cannot run: {}; answering 200 so that it is not retried",
        claimed.simulationId(),
        claimed.chunkIndex(),
        why);
    release(claimed, why);
    return new ChunkOutcome.Unrunnable(claimed.attempt(), why);
  }

  private void release(Claimed claimed, String error) {
    try {
      chunks
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
