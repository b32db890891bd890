package dev.simrun.shared.simulations;

import dev.simrun.kinds.ChunkLoad;

/**
 * The Cloud Tasks queues (full names): a simulation's chunks go to one per priority and per what
 * its kind's chunks spend their time on, so each queue can be sized to the worker slots that serve
 * it; finalize tasks to one of their own (docs/decisions/0014-dispatch-sized-to-slots.md).
 */
public interface QueueNames {

  /** The queue for tasks of {@code priority} whose chunks are {@code load}-bound. */
  String of(Priority priority, ChunkLoad load);

  /** The queue for a simulation's tasks, by its priority and its kind's {@code chunkLoad()}. */
  String forSimulation(Priority priority, String kind);

  /**
   * The queue of finalize tasks, apart from the chunks' queues: a finalize takes no worker slot, so
   * it must not take one of a chunk queue's dispatches either, nor wait behind chunks.
   */
  String finalizeQueue();

  /** {@link #forSimulation(Priority, String)} with the priority as stored ({@code "batch"}). */
  default String forSimulation(String priority, String kind) {
    return forSimulation(Priority.fromWire(priority), kind);
  }
}
