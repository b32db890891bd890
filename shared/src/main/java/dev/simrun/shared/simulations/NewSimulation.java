package dev.simrun.shared.simulations;

import java.util.UUID;

/** A validated, planned simulation, ready to be stored with its chunks and outbox rows. */
public record NewSimulation(
    UUID id,
    String owner,
    String kind,
    String name,
    Priority priority,
    String paramsJson,
    long units,
    int unitsPerChunk,
    String idempotencyKey) {

  public int chunkCount() {
    return Math.toIntExact((units + unitsPerChunk - 1) / unitsPerChunk);
  }
}
