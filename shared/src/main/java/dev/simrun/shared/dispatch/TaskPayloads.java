package dev.simrun.shared.dispatch;

import io.micronaut.serde.annotation.Serdeable;
import java.util.UUID;

/** The JSON bodies Cloud Tasks pushes to the worker; each carries its idempotency key. */
public final class TaskPayloads {
  public static final String CHUNK_PATH = "/tasks/v1/chunks";
  public static final String FINALIZE_PATH = "/tasks/v1/finalize";

  private TaskPayloads() {}

  /** Run chunk {@code chunkIndex} of a simulation, as generation {@code generation}. */
  @Serdeable
  public record ChunkTask(UUID simulationId, int chunkIndex, int generation) {}

  /** Reduce a simulation's chunk results into its final result. */
  @Serdeable
  public record FinalizeTask(UUID simulationId, int generation) {}
}
