package dev.simrun.api.recovery;

import dev.simrun.api.dispatch.OutboxPump;
import dev.simrun.shared.recovery.Reconciler;
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
 * Runs a reconciler pass every {@link ReconcileConfig#interval()} in every api instance. Passes of
 * several instances may overlap: a chunk is dispatched anew only by the one whose guarded update
 * wins, so running it everywhere costs a few lookups and needs no Cloud Scheduler job.
 */
@Singleton
class ReconcileTimer {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileTimer.class);

  private final Reconciler reconciler;
  private final ReconcileConfig config;
  private final OutboxPump pump;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("reconciler").factory());

  ReconcileTimer(Reconciler reconciler, ReconcileConfig config, OutboxPump pump) {
    this.reconciler = reconciler;
    this.config = config;
    this.pump = pump;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    if (config.enabled()) {
      long every = config.interval().toMillis();
      timer.scheduleWithFixedDelay(this::pass, every, every, TimeUnit.MILLISECONDS);
    }
  }

  void pass() {
    try {
      Reconciler.Pass pass = reconciler.run(config.quietFor(), config.batch());
      if (pass.enqueued() || pass.cancelsCompleted() > 0) {
        LOG.warn(
            "reconciler dispatched {} chunks again (of {} looked at), {} finalize tasks, and"
                + " completed {} cancellations",
            pass.redispatched(),
            pass.checked(),
            pass.refinalized(),
            pass.cancelsCompleted());
      }
      if (pass.enqueued()) {
        pump.wake();
      }
    } catch (RuntimeException e) {
      LOG.warn("reconciler pass failed: {}", e.toString());
    }
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
  }
}
