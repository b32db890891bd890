package dev.simrun.worker.chunks;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.shared.events.EventPublisher;
import dev.simrun.shared.events.EventType;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.simulations.ChunkAttempts;
import dev.simrun.shared.simulations.ChunkStore.Claimed;
import dev.simrun.shared.simulations.SimulationStatus;
import dev.simrun.worker.WorkerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context of one running attempt: progress goes to the chunk row (fenced by the attempt, and
 * extending its lease) at most once per {@code interval}, and out as a {@code chunk.progress} event
 * at most once per {@code eventInterval}, however often the kind reports. A failed write is logged
 * and forgotten: progress is a hint, the result is what counts.
 */
final class ProgressContext implements ChunkContext {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressContext.class);

  private final ChunkAttempts chunks;
  private final Clock clock;
  private final UUID simulationId;
  private final int chunkIndex;
  private final int attempt;
  private final long intervalMillis;
  private final Duration lease;
  private final AtomicLong nextWriteAt;
  private final EventPublisher publisher;
  private final String owner;
  private final long eventIntervalMillis;
  private final AtomicLong nextEventAt;
  private final long cancelCheckMillis;
  private final AtomicLong nextCancelCheckAt;
  private final long softDeadline;
  private final SimulationKinds kinds;
  private final byte[] checkpoint;
  private final AtomicLong nextCheckpointAt;
  private volatile boolean cancelled;
  private volatile boolean timedOut;

  ProgressContext(
      ChunkAttempts chunks,
      EventPublisher publisher,
      Clock clock,
      Claimed claimed,
      WorkerConfig config,
      SimulationKinds kinds) {
    this.kinds = kinds;
    this.checkpoint = claimed.checkpoint();
    this.nextCheckpointAt = new AtomicLong(clock.millis());
    this.chunks = chunks;
    this.publisher = publisher;
    this.owner = claimed.owner();
    this.eventIntervalMillis = config.progressEventInterval().toMillis();
    this.nextEventAt = new AtomicLong(clock.millis());
    this.cancelCheckMillis = config.cancelCheckInterval().toMillis();
    this.nextCancelCheckAt = new AtomicLong(clock.millis() + cancelCheckMillis);
    this.clock = clock;
    this.simulationId = claimed.simulationId();
    this.chunkIndex = claimed.chunkIndex();
    this.attempt = claimed.attempt();
    this.intervalMillis = config.progressInterval().toMillis();
    this.lease = config.lease();
    this.nextWriteAt = new AtomicLong(clock.millis());
    this.softDeadline = clock.millis() + config.softTimeLimit().toMillis();
  }

  @Override
  public void progress(double fractionDone, Map<String, Object> details) {
    long now = clock.millis();
    double fraction = Double.isNaN(fractionDone) ? 0 : Math.clamp(fractionDone, 0.0, 1.0);
    if (due(nextEventAt, now, eventIntervalMillis)) {
      publish(fraction, details);
    }
    if (!due(nextWriteAt, now, intervalMillis)) {
      return;
    }
    try {
      if (!chunks.reportProgress(simulationId, chunkIndex, attempt, fraction, lease)) {
        LOG.debug(
            "chunk {}/{} attempt {} no longer owns the chunk", simulationId, chunkIndex, attempt);
      }
    } catch (RuntimeException e) {
      LOG.warn("progress of chunk {}/{} not recorded: {}", simulationId, chunkIndex, e.toString());
    }
  }

  /** True for the one caller that moves {@code next} on: the tick is its to use. */
  private static boolean due(AtomicLong next, long now, long interval) {
    long due = next.get();
    return now >= due && next.compareAndSet(due, now + interval);
  }

  private void publish(double fraction, Map<String, Object> details) {
    Map<String, Object> data = new LinkedHashMap<>();
    if (details != null) {
      data.putAll(details);
    }
    data.put("chunk", chunkIndex);
    data.put("attempt", attempt);
    data.put("fraction", fraction);
    try {
      publisher.publish(
          SimulationEvent.transientEvent(
              EventType.CHUNK_PROGRESS, simulationId, owner, clock.instant(), data));
    } catch (RuntimeException e) {
      LOG.debug("progress event of {}/{} not sent: {}", simulationId, chunkIndex, e.toString());
    }
  }

  /**
   * True once the attempt has run past the soft time limit, or (asking the database at most once
   * per {@code cancelCheckInterval}, a primary-key read) the simulation is no longer meant to run;
   * once true, stays true. A failed read answers false: the chunk goes on, and its commit is fenced
   * anyway.
   */
  @Override
  public boolean cancelled() {
    if (cancelled) {
      return true;
    }
    long now = clock.millis();
    if (now >= softDeadline) {
      timedOut = true;
      cancelled = true;
      return true;
    }
    if (!due(nextCancelCheckAt, now, cancelCheckMillis)) {
      return false;
    }
    try {
      cancelled =
          chunks
              .simulationStatus(simulationId)
              .map(s -> s == SimulationStatus.CANCELLING || s.terminal())
              .orElse(true);
    } catch (RuntimeException e) {
      LOG.debug("cancel check of {} failed: {}", simulationId, e.toString());
    }
    return cancelled;
  }

  @Override
  public <T> Optional<T> checkpoint(Class<T> type) {
    return checkpoint == null ? Optional.empty() : Optional.of(kinds.read(checkpoint, type));
  }

  /**
   * Writes the state at most once per progress interval (the others are dropped: a retry resumes
   * from an earlier one, which is as correct, only later). A failed write is logged and forgotten.
   */
  @Override
  public void saveCheckpoint(Object state) {
    if (!due(nextCheckpointAt, clock.millis(), intervalMillis)) {
      return;
    }
    try {
      chunks.saveCheckpoint(simulationId, chunkIndex, attempt, kinds.write(state), lease);
    } catch (RuntimeException e) {
      LOG.warn("checkpoint of chunk {}/{} not saved: {}", simulationId, chunkIndex, e.toString());
    }
  }

  /** True when {@link #cancelled()} said stop because of the soft time limit, not a cancel. */
  boolean timedOut() {
    return timedOut;
  }
}
