/**
 * Simulation events: the versioned envelope ({@link dev.simrun.shared.events.SimulationEvent}), the
 * durable log they are appended to in the transaction of the change they describe ({@link
 * dev.simrun.shared.events.EventLog}), and the port through which they fan out to every api
 * instance ({@link dev.simrun.shared.events.EventPublisher}). The schema is {@code docs/events.md}.
 */
package dev.simrun.shared.events;
