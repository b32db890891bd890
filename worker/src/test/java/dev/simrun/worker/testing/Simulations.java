package dev.simrun.worker.testing;

import dev.simrun.kinds.SimulationKinds;
import dev.simrun.shared.simulations.NewSimulation;
import dev.simrun.shared.simulations.Priority;
import dev.simrun.shared.simulations.SimulationStore;
import jakarta.inject.Singleton;
import java.util.UUID;

/** Test-data builder: stores simulations of {@link SumKind} (or any kind) as the api would. */
@Singleton
public class Simulations {
  public static final String OWNER = "worker-test";

  private final SimulationStore store;
  private final SimulationKinds kinds;

  public Simulations(SimulationStore store, SimulationKinds kinds) {
    this.store = store;
    this.kinds = kinds;
  }

  public UUID create(SumKind.Params params) {
    return create(SumKind.NAME, kinds.writeString(params), params.units(), params.unitsPerChunk());
  }

  /** A {@link SumKind} simulation whose failure policy tolerates {@code maxFailedChunks}. */
  public UUID create(SumKind.Params params, int maxFailedChunks) {
    return create(
        SumKind.NAME,
        kinds.writeString(params),
        params.units(),
        params.unitsPerChunk(),
        maxFailedChunks);
  }

  /** A {@link SumKind} simulation of {@code priority}. */
  public UUID create(SumKind.Params params, Priority priority) {
    return create(
        SumKind.NAME,
        kinds.writeString(params),
        params.units(),
        params.unitsPerChunk(),
        0,
        priority);
  }

  public UUID create(String kind, String paramsJson, long units, int unitsPerChunk) {
    return create(kind, paramsJson, units, unitsPerChunk, 0);
  }

  public UUID create(
      String kind, String paramsJson, long units, int unitsPerChunk, int maxFailedChunks) {
    return create(kind, paramsJson, units, unitsPerChunk, maxFailedChunks, Priority.INTERACTIVE);
  }

  private UUID create(
      String kind,
      String paramsJson,
      long units,
      int unitsPerChunk,
      int maxFailedChunks,
      Priority priority) {
    UUID id = UUID.randomUUID();
    store.create(
        new NewSimulation(
            id,
            OWNER,
            kind,
            "test",
            priority,
            paramsJson,
            units,
            unitsPerChunk,
            null,
            maxFailedChunks));
    return id;
  }

  public static String chunkTask(UUID simulationId, int chunkIndex, int generation) {
    return "{\"simulationId\":\""
        + simulationId
        + "\",\"chunkIndex\":"
        + chunkIndex
        + ",\"generation\":"
        + generation
        + "}";
  }

  public static String finalizeTask(UUID simulationId) {
    return "{\"simulationId\":\"" + simulationId + "\",\"generation\":0}";
  }

  /** The name the outbox gives a chunk's task. */
  public static String chunkTaskName(UUID simulationId, int chunkIndex) {
    return "sim-" + simulationId + "-c" + chunkIndex + "-g0";
  }

  public static String finalizeTaskName(UUID simulationId) {
    return "sim-" + simulationId + "-finalize-g0";
  }
}
