package dev.simrun.shared.events;

import java.util.List;
import java.util.function.Consumer;

/**
 * Without Pub/Sub ({@code simrun.pubsub.enabled=false}): nothing is published and no live event
 * arrives; clients get the durable events from the api's tail of the log.
 */
public final class NoEvents implements EventPublisher, EventFeed {

  @Override
  public void publish(List<SimulationEvent> events) {}

  @Override
  public void start(Consumer<SimulationEvent> sink) {}

  @Override
  public void stop() {}

  @Override
  public boolean healthy() {
    return true;
  }
}
