package dev.simrun.api.stream;

import dev.simrun.shared.events.EventFeed;
import dev.simrun.shared.events.EventLog;
import dev.simrun.shared.events.SimulationEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the hub: the instance's event feed (Pub/Sub) for everything live, and a tail of the durable
 * log every {@link StreamConfig#tailInterval()} for what the feed did not bring (all of it while
 * Pub/Sub is down, otherwise gaps). Also sends every stream its heartbeat.
 */
@Singleton
class LiveEvents {
  private static final Logger LOG = LoggerFactory.getLogger(LiveEvents.class);

  /** Durable events read per tail at most; a longer backlog is read on the next ticks. */
  static final int TAIL_LIMIT = 5_000;

  /** Each stream's heartbeat interval is split into this many ticks, a slice of streams each. */
  static final int HEARTBEAT_SLICES = 15;

  private final java.util.concurrent.atomic.AtomicLong beats =
      new java.util.concurrent.atomic.AtomicLong();

  private final EventHub hub;
  private final EventFeed feed;
  private final EventLog log;
  private final StreamConfig config;
  private final ScheduledExecutorService timer =
      Executors.newScheduledThreadPool(1, Thread.ofVirtual().name("live-events-", 0).factory());

  LiveEvents(EventHub hub, EventFeed feed, EventLog log, StreamConfig config) {
    this.hub = hub;
    this.feed = feed;
    this.log = log;
    this.config = config;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    feed.start(hub::deliver);
    long tail = config.tailInterval().toMillis();
    timer.scheduleWithFixedDelay(this::tail, tail, tail, TimeUnit.MILLISECONDS);
    long slice = Math.max(1, config.heartbeat().toMillis() / HEARTBEAT_SLICES);
    timer.scheduleAtFixedRate(
        () -> hub.heartbeat((int) (beats.getAndIncrement() % HEARTBEAT_SLICES), HEARTBEAT_SLICES),
        slice,
        slice,
        TimeUnit.MILLISECONDS);
  }

  /** Reads the log after what every watching stream has, and routes what it finds. */
  void tail() {
    try {
      Map<UUID, Long> waiting = hub.waitingFor();
      if (waiting.isEmpty()) {
        return;
      }
      List<SimulationEvent> found = log.after(waiting, TAIL_LIMIT);
      found.forEach(hub::deliverFromLog);
    } catch (RuntimeException e) {
      LOG.warn("tailing the event log failed: {}", e.toString());
    }
  }

  boolean feedHealthy() {
    return feed.healthy();
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
    feed.stop();
  }
}
