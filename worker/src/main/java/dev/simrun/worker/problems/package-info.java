/**
 * The worker's own problem types ({@link dev.simrun.worker.problems.WorkerProblems}) and how it
 * answers them; the mapping itself, one for both services, is {@code dev.simrun.problems}.
 */
package dev.simrun.worker.problems;
