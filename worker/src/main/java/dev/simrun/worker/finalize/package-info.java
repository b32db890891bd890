/**
 * Finalizing a simulation once its last chunk committed: {@link
 * dev.simrun.worker.finalize.Finalizer} reduces the chunk results outside any transaction and
 * stores the final result with a guarded update only one delivery wins.
 */
package dev.simrun.worker.finalize;
