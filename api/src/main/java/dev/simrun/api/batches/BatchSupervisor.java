package dev.simrun.api.batches;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the runs going on every {@link BatchesConfig#superviseInterval()}, in every api instance
 * ({@link BatchRuns#supervise}): no run outlives its deadline by more than that, and none waits on
 * anything without one.
 */
@Singleton
class BatchSupervisor {
  private static final Logger LOG = LoggerFactory.getLogger(BatchSupervisor.class);

  private final BatchRuns runs;
  private final BatchesConfig config;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofVirtual().name("batch-supervisor").factory());

  BatchSupervisor(BatchRuns runs, BatchesConfig config) {
    this.runs = runs;
    this.config = config;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    long every = config.superviseInterval().toMillis();
    timer.scheduleWithFixedDelay(this::pass, every, every, TimeUnit.MILLISECONDS);
  }

  void pass() {
    try {
      runs.supervise();
    } catch (RuntimeException e) {
      LOG.warn("batch supervisor pass failed: {}", e.toString());
    }
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
  }
}
