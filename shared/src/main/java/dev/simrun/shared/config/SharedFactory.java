package dev.simrun.shared.config;

import dev.simrun.shared.simulations.Priority;
import dev.simrun.shared.simulations.QueueNames;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Beans every SimRun process needs. */
@Factory
class SharedFactory {

  /** The one clock production code reads; tests replace it to move time. */
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Singleton
  QueueNames queueNames(TasksConfig config) {
    String interactive = config.queueName(config.interactiveQueue());
    String batch = config.queueName(config.batchQueue());
    return priority -> priority == Priority.BATCH ? batch : interactive;
  }
}
