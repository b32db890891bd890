package dev.simrun.shared.events;

import java.util.function.Consumer;

/**
 * This process's own feed of every live event: in production a Pub/Sub subscription of the api
 * instance, created at start and deleted at shutdown. Delivery is at least once and in order per
 * simulation.
 */
public interface EventFeed {

  /** Starts delivering events to {@code sink}; returns once the feed is set up or has failed. */
  void start(Consumer<SimulationEvent> sink);

  /** Stops delivering and removes what {@link #start} created. */
  void stop();

  /**
   * False while events cannot flow (the broker is unreachable); the log still has the durable ones.
   */
  boolean healthy();
}
