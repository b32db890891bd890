package dev.simrun.shared.simulations;

import dev.simrun.shared.kinds.ChunkLoad;

/**
 * The Cloud Tasks queue (full name) of a simulation's tasks: one per priority and per what its
 * kind's chunks spend their time on, so each queue can be sized to the worker slots that serve it
 * (docs/decisions/0014-dispatch-sized-to-slots.md).
 */
public interface QueueNames {

  /** The queue for tasks of {@code priority} whose chunks are {@code load}-bound. */
  String of(Priority priority, ChunkLoad load);

  /** The queue for a simulation's tasks, by its priority and its kind's {@code chunkLoad()}. */
  String forSimulation(Priority priority, String kind);

  /** {@link #forSimulation(Priority, String)} with the priority as stored ({@code "batch"}). */
  default String forSimulation(String priority, String kind) {
    return forSimulation(Priority.fromWire(priority), kind);
  }
}
