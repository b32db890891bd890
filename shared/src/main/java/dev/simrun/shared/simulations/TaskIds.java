package dev.simrun.shared.simulations;

import java.util.UUID;

/**
 * Cloud Tasks task ids, derived from what the task does: creating one twice answers ALREADY_EXISTS
 * instead of running it twice, and a cancel can name the tasks to delete.
 */
public final class TaskIds {
  private TaskIds() {}

  public static String chunk(UUID simulationId, int chunkIndex, int generation) {
    return "sim-" + simulationId + "-c" + chunkIndex + "-g" + generation;
  }

  public static String finalizeTask(UUID simulationId, int generation) {
    return "sim-" + simulationId + "-finalize-g" + generation;
  }
}
