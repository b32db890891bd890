package dev.simrun.shared.simulations;

import java.util.UUID;

/**
 * A validated, planned simulation, ready to be stored with its chunks and outbox rows.
 *
 * @param maxFailedChunks the failure policy: how many chunks may fail for good and still give a
 *     PARTIAL result; 0 is failFast
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
    int maxFailedChunks) {

  public int chunkCount() {
    return Math.toIntExact((units + unitsPerChunk - 1) / unitsPerChunk);
  }
}
