package dev.simrun.worker.finalize;

import dev.simrun.kinds.SimulationKind;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.shared.dispatch.TaskPayloads.FinalizeTask;
import dev.simrun.shared.events.EventPublisher;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.simulations.FinalizeStore;
import dev.simrun.shared.simulations.FinalizeStore.Finalization;
import dev.simrun.shared.simulations.SimulationStatus;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reduces a simulation's chunk results into its final result: read them (one short transaction),
 * reduce outside any transaction, then one guarded UPDATE that only the first finalizer wins.
 */
@Singleton
public class Finalizer {
  private static final Logger LOG = LoggerFactory.getLogger(Finalizer.class);

  private final FinalizeStore store;
  private final SimulationKinds kinds;
  private final EventPublisher events;

  public Finalizer(FinalizeStore store, SimulationKinds kinds, EventPublisher events) {
    this.store = store;
    this.kinds = kinds;
    this.events = events;
  }

  /**
   * @param lastAttempt the queue will not retry: a failing reduce FAILS the simulation
   */
  public FinalizeOutcome run(FinalizeTask task, boolean lastAttempt) {
    Finalization f = store.loadForFinalize(task.simulationId());
    if (f == null) {
      return new FinalizeOutcome.NothingToDo("no such simulation");
    }
    if (f.status() != SimulationStatus.QUEUED && f.status() != SimulationStatus.RUNNING) {
      return new FinalizeOutcome.NothingToDo("simulation is " + f.status());
    }
    if (f.outstanding() > 0) {
      return new FinalizeOutcome.Outstanding(f.outstanding(), f.chunkResults().size());
    }
    if (f.failedChunks() > f.maxFailedChunks()) {
      return failed(
          task,
          f.failedChunks() + " chunks failed; the simulation tolerates " + f.maxFailedChunks());
    }
    return kinds
        .find(f.kind())
        .map(kind -> reduce(kind, task, f, lastAttempt))
        .orElseGet(() -> unrunnable(task, "no simulation kind named " + f.kind()));
  }

  private <P, C, R> FinalizeOutcome reduce(
      SimulationKind<P, C, R> kind, FinalizeTask task, Finalization f, boolean lastAttempt) {
    P params;
    try {
      params = kinds.readParams(kind, f.paramsJson());
    } catch (IOException | RuntimeException e) {
      return unrunnable(task, "parameters do not fit " + kind.name() + ": " + e.getMessage());
    }
    boolean partial = f.failedChunks() > 0;
    Optional<SimulationKinds.Reduced> reduced;
    try {
      reduced =
          partial
              ? kinds.reducePartial(kind, params, f.chunkResults())
              : Optional.of(kinds.reduce(kind, params, f.chunkResults()));
    } catch (RuntimeException e) {
      LOG.warn("reducing {} failed", task.simulationId(), e);
      return lastAttempt
          ? failed(task, "reducing the chunk results failed on the last attempt: " + e)
          : new FinalizeOutcome.Failed(e.toString());
    }
    if (reduced.isEmpty()) {
      return failed(
          task,
          f.failedChunks() + " chunks failed and " + kind.name() + " has no result without them");
    }
    SimulationKinds.Reduced result = reduced.get();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("result", "/api/v1/simulations/" + task.simulationId() + "/result");
    data.put("summary", result.summary());
    if (partial) {
      data.put("failedChunks", f.failedChunks());
    }
    return finished(
        partial
            ? store.finalizePartial(task.simulationId(), result.json(), data)
            : store.finalizeSucceeded(task.simulationId(), result.json(), data));
  }

  private FinalizeOutcome failed(FinalizeTask task, String why) {
    LOG.info("simulation {} failed: {}", task.simulationId(), why);
    return finished(store.finalizeFailed(task.simulationId(), why));
  }

  private FinalizeOutcome finished(Optional<SimulationEvent> event) {
    event.ifPresent(events::publish);
    return event.isPresent()
        ? new FinalizeOutcome.Finalized()
        : new FinalizeOutcome.NothingToDo("finalized by another delivery");
  }

  /** Cannot ever be finalized as stored: the simulation FAILS rather than wait forever. */
  private FinalizeOutcome unrunnable(FinalizeTask task, String why) {
    LOG.error("simulation {} cannot be finalized: {}", task.simulationId(), why);
    return finished(store.finalizeFailed(task.simulationId(), "cannot be finalized: " + why));
  }
}
