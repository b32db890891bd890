package dev.simrun.api.dispatch;

import dev.simrun.kinds.ChunkLoad;
import dev.simrun.shared.dispatch.TaskQueue;
import dev.simrun.shared.simulations.ChunkStore;
import dev.simrun.shared.simulations.Priority;
import dev.simrun.shared.simulations.QueueNames;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the api's connections before it listens: a database connection and the channel to Cloud
 * Tasks (one lookup of a task that does not exist), so the first submit does not wait for them.
 * Nothing here can fail the start; whatever fails, the first request that needs it does again.
 */
@Singleton
@Requires(property = "simrun.api.warm-up", notEquals = "false")
class ConnectionsWarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionsWarmUp.class);

  private final TaskQueue queue;
  private final QueueNames queues;
  private final ChunkStore chunks;

  ConnectionsWarmUp(TaskQueue queue, QueueNames queues, ChunkStore chunks) {
    this.queue = queue;
    this.queues = queues;
    this.chunks = chunks;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    long start = System.nanoTime();
    try {
      chunks.routingOf(new UUID(0, 0));
    } catch (RuntimeException e) {
      LOG.warn("warm-up: the database cannot be reached yet: {}", e.toString());
    }
    try {
      queue
          .exists(queues.of(Priority.INTERACTIVE, ChunkLoad.CPU), "warm-up")
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("warm-up: Cloud Tasks cannot be reached yet: {}", e.toString());
    }
    LOG.info("connections opened in {} ms", (System.nanoTime() - start) / 1_000_000);
  }
}
