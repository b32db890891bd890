/**
 * Running one chunk per push: {@link dev.simrun.worker.chunks.ChunkRunner} claims the chunk as a
 * new attempt, runs its kind outside any transaction, and commits fenced by that attempt, so
 * duplicate, late and concurrent deliveries change nothing. Progress is throttled and extends the
 * attempt's lease.
 */
package dev.simrun.worker.chunks;
