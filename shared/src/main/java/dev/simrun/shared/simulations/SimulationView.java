package dev.simrun.shared.simulations;

import java.time.Instant;
import java.util.UUID;

/** A simulation as its owner sees it, with its chunks counted by status. */
public record SimulationView(
    UUID id,
    String kind,
    String name,
    SimulationStatus status,
    Priority priority,
    ChunkCounts chunks,
    int maxFailedChunks,
    double progress,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    String error) {

  /** Chunks by status. */
  public record ChunkCounts(
      int total, int pending, int running, int succeeded, int failed, int cancelled) {}
}
