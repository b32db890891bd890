package dev.simrun.shared.dispatch;

import dev.simrun.shared.simulations.TaskIds;
import dev.simrun.shared.tracing.TraceContext;
import io.micronaut.core.annotation.Nullable;
import java.util.UUID;

/**
 * A task to create: a chunk's ({@code chunkIndex} set) or a simulation's finalize task, with the
 * trace context its simulation was created in (null when that request was not traced).
 */
public record OutboxRow(
    long id,
    UUID simulationId,
    String taskType,
    Integer chunkIndex,
    int generation,
    String queue,
    @Nullable TraceContext trace) {

  public boolean isChunk() {
    return chunkIndex != null;
  }

  /**
   * The Cloud Tasks task id: derived from (simulation, chunk, generation), so creating it twice
   * answers ALREADY_EXISTS instead of running the chunk twice.
   */
  public String taskId() {
    return isChunk()
        ? TaskIds.chunk(simulationId, chunkIndex, generation)
        : TaskIds.finalizeTask(simulationId, generation);
  }
}
