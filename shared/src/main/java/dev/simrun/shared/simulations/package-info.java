/**
 * Simulations and their chunks in PostgreSQL. {@link
 * dev.simrun.shared.simulations.SimulationStatus} and {@link
 * dev.simrun.shared.simulations.ChunkStatus} hold the tables of allowed changes; {@link
 * dev.simrun.shared.simulations.SimulationTransitions} and {@link
 * dev.simrun.shared.simulations.ChunkTransitions} are the only writers of either status, each
 * change a guarded update whose "from" set comes from the table (decision 0020). The stores around
 * them: submission, cancel and reads ({@link dev.simrun.shared.simulations.SimulationStore}),
 * grouped claims and commits ({@link dev.simrun.shared.simulations.ChunkStore}), what an attempt
 * does in between ({@link dev.simrun.shared.simulations.ChunkAttempts}), failures for good ({@link
 * dev.simrun.shared.simulations.ChunkFailures}) and finalizing ({@link
 * dev.simrun.shared.simulations.FinalizeStore}).
 */
package dev.simrun.shared.simulations;
