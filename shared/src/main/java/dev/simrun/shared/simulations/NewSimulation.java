package dev.simrun.shared.simulations;

import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.UUID;

/**
 * A validated, planned simulation, ready to be stored with its chunks and outbox rows.
 *
 * @param maxFailedChunks the failure policy: how many chunks may fail for good and still give a
 *     PARTIAL result; 0 is failFast
 * @param datasetIds the owner's uploaded datasets the simulation reads: stored with it, so that a
 *     dataset is not deleted while a simulation that has not finished reads it
 * @param batch the batch run that creates it, if one does
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
    List<UUID> datasetIds,
    @Nullable BatchMember batch) {

  /**
   * The place of a simulation in a batch run: the run, the batch's name, and the index of its
   * template in the batch's list.
   */
  public record BatchMember(UUID runId, String batchName, int position) {}

  public NewSimulation {
    datasetIds = List.copyOf(datasetIds);
  }

  /** A simulation a person submits: no batch run creates it. */
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
      int maxFailedChunks,
      List<UUID> datasetIds) {
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
        datasetIds,
        null);
  }

  /** This simulation as the one at {@code position} of a batch run, with a fresh id. */
  public NewSimulation inBatch(UUID runId, String batchName, int position) {
    return new NewSimulation(
        UUID.randomUUID(),
        owner,
        kind,
        name,
        priority,
        paramsJson,
        units,
        unitsPerChunk,
        null,
        maxFailedChunks,
        datasetIds,
        new BatchMember(runId, batchName, position));
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
        List.of(),
        null);
  }

  public int chunkCount() {
    return Math.toIntExact((units + unitsPerChunk - 1) / unitsPerChunk);
  }
}
