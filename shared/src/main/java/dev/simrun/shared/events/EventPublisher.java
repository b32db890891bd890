package dev.simrun.shared.events;

import java.util.List;

/**
 * Sends events to every api instance: Pub/Sub topic {@code simulation-events} in production and
 * with the emulator locally. Publishing is best effort and never blocks the caller for long: a
 * durable event that does not make it is still in the log, which the api tails.
 */
public interface EventPublisher extends AutoCloseable {

  /** Queues the events for publishing, in order per simulation; returns without waiting. */
  void publish(List<SimulationEvent> events);

  default void publish(SimulationEvent event) {
    publish(List.of(event));
  }

  /** Sends what is queued, waiting a few seconds at most, and releases the connection. */
  @Override
  default void close() {}
}
