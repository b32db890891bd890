/**
 * The simulation-kind SPI: the contract every kind implements ({@link
 * dev.simrun.kinds.SimulationKind}) and its value types, the ports through which a kind reads
 * datasets ({@link dev.simrun.kinds.Datasets}) and calls endpoints ({@link
 * dev.simrun.kinds.Endpoints}), and the registry of a process's kinds ({@link
 * dev.simrun.kinds.SimulationKinds}). Plain Java: no HTTP, JDBC or Google types.
 */
package dev.simrun.kinds;
