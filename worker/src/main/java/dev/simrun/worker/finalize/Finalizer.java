package dev.simrun.worker.finalize;

import dev.simrun.shared.dispatch.TaskPayloads.FinalizeTask;
import dev.simrun.shared.events.EventPublisher;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.kinds.SimulationKind;
import dev.simrun.shared.kinds.SimulationKinds;
import dev.simrun.shared.simulations.ChunkStore;
import dev.simrun.shared.simulations.ChunkStore.Finalization;
import dev.simrun.shared.simulations.SimulationStatus;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
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

  private final ChunkStore chunks;
  private final SimulationKinds kinds;
  private final EventPublisher events;

  public Finalizer(ChunkStore chunks, SimulationKinds kinds, EventPublisher events) {
    this.chunks = chunks;
    this.kinds = kinds;
    this.events = events;
  }

  public FinalizeOutcome run(FinalizeTask task) {
    Finalization f = chunks.loadForFinalize(task.simulationId());
    if (f == null) {
      return new FinalizeOutcome.NothingToDo("no such simulation");
    }
    if (f.status() != SimulationStatus.QUEUED && f.status() != SimulationStatus.RUNNING) {
      return new FinalizeOutcome.NothingToDo("simulation is " + f.status());
    }
    int missing = (int) f.chunkResults().stream().filter(Objects::isNull).count();
    if (missing > 0) {
      return new FinalizeOutcome.Outstanding(missing, f.chunkResults().size());
    }
    return kinds
        .find(f.kind())
        .map(kind -> reduce(kind, task, f))
        .orElseGet(() -> unrunnable(task, "no simulation kind named " + f.kind()));
  }

  private <P, C, R> FinalizeOutcome reduce(
      SimulationKind<P, C, R> kind, FinalizeTask task, Finalization f) {
    P params;
    try {
      params = kinds.readParams(kind, f.paramsJson());
    } catch (IOException | RuntimeException e) {
      return unrunnable(task, "parameters do not fit " + kind.name() + ": " + e.getMessage());
    }
    SimulationKinds.Reduced result;
    try {
      result = kinds.reduce(kind, params, f.chunkResults());
    } catch (RuntimeException e) {
      LOG.warn("reducing {} failed", task.simulationId(), e);
      return new FinalizeOutcome.Failed(e.toString());
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("result", "/api/v1/simulations/" + task.simulationId() + "/result");
    data.put("summary", result.summary());
    Optional<SimulationEvent> succeeded =
        chunks.finalizeSucceeded(task.simulationId(), result.json(), data);
    succeeded.ifPresent(events::publish);
    return succeeded.isPresent()
        ? new FinalizeOutcome.Finalized()
        : new FinalizeOutcome.NothingToDo("finalized by another delivery");
  }

  private static FinalizeOutcome unrunnable(FinalizeTask task, String why) {
    LOG.error("simulation {} cannot be finalized: {}", task.simulationId(), why);
    return new FinalizeOutcome.Unrunnable(why);
  }
}
