package dev.simrun.shared.simulations;

import java.util.List;
import java.util.UUID;

/**
 * A validated, planned simulation, ready to be stored with its chunks and outbox rows.
 *
 * @param maxFailedChunks the failure policy: how many chunks may fail for good and still give a
 *     PARTIAL result; 0 is failFast
 * @param datasetIds the owner's uploaded datasets the simulation reads: stored with it, so that a
 *     dataset is not deleted while a simulation that has not finished reads it
 */
public record NewSimulation(
    UUID id,
    String owner,
    String kind,
    String name,
    Priority priority,
    String paramsJson,
    long units,
    int unitsPerChunk,
    String idempotencyKey,
    int maxFailedChunks,
    List<UUID> datasetIds) {

  public NewSimulation {
    datasetIds = List.copyOf(datasetIds);
  }

  /** A simulation that reads no uploaded dataset. */
  public NewSimulation(
      UUID id,
      String owner,
      String kind,
      String name,
      Priority priority,
      String paramsJson,
      long units,
      int unitsPerChunk,
      String idempotencyKey,
      int maxFailedChunks) {
    this(
        id,
        owner,
        kind,
        name,
        priority,
        paramsJson,
        units,
        unitsPerChunk,
        idempotencyKey,
        maxFailedChunks,
        List.of());
  }

  public int chunkCount() {
    return Math.toIntExact((units + unitsPerChunk - 1) / unitsPerChunk);
  }
}
