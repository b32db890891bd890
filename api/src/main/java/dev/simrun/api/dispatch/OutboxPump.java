package dev.simrun.api.dispatch;

import dev.simrun.shared.dispatch.OutboxDispatcher;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One virtual thread per process that calls {@link OutboxDispatcher#drain()} whenever {@link #wake}
 * is called and at least every {@link DispatchConfig#pollInterval()}. A request never waits for
 * Cloud Tasks: it commits its outbox rows and wakes the pump. A failing drain is logged and tried
 * again on the next tick; nothing but {@link #stop} ends the loop.
 */
@Singleton
public class OutboxPump {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxPump.class);

  private final OutboxDispatcher dispatcher;
  private final DispatchConfig config;
  private final Semaphore wakeups = new Semaphore(0);
  private volatile boolean running;
  private Thread thread;

  public OutboxPump(OutboxDispatcher dispatcher, DispatchConfig config) {
    this.dispatcher = dispatcher;
    this.config = config;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    start();
  }

  public synchronized void start() {
    if (thread == null) {
      running = true;
      thread = Thread.ofVirtual().name("outbox-pump").start(this::loop);
    }
  }

  /** Asks for a drain now; returns at once. */
  public void wake() {
    if (wakeups.availablePermits() == 0) {
      wakeups.release();
    }
  }

  /** Ends the loop, letting a drain in progress finish within {@code stopTimeout}. */
  @PreDestroy
  public synchronized void stop() {
    Thread t = thread;
    if (t == null) {
      return;
    }
    running = false;
    wakeups.release();
    try {
      if (!t.join(config.stopTimeout())) {
        LOG.warn("outbox pump still draining after {}; interrupting it", config.stopTimeout());
        t.interrupt();
        t.join(config.stopTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread = null;
  }

  private void loop() {
    while (running) {
      try {
        wakeups.tryAcquire(config.pollInterval().toNanos(), TimeUnit.NANOSECONDS);
        // Wakes that came before this drain are served by it.
        wakeups.drainPermits();
        if (!running) {
          return;
        }
        int sent = dispatcher.drain();
        if (sent > 0) {
          LOG.debug("created {} tasks", sent);
        }
      } catch (InterruptedException e) {
        return;
      } catch (Throwable e) {
        LOG.warn("draining the outbox failed; retrying in {}", config.pollInterval(), e);
      }
    }
  }
}
