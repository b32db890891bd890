/**
 * The simulation kinds and the interface they implement ({@link
 * dev.simrun.shared.kinds.SimulationKind}). Kinds are pure Java: they import no HTTP, JDBC or
 * Google types, so they run the same in a worker, a test or a benchmark.
 */
package dev.simrun.shared.kinds;
