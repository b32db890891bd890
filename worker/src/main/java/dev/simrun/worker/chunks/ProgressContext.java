package dev.simrun.worker.chunks;

import dev.simrun.shared.kinds.ChunkContext;
import dev.simrun.shared.simulations.ChunkStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context of one running attempt: progress goes to the chunk row (fenced by the attempt, and
 * extending its lease) at most once per {@code interval}, however often the kind reports. A failed
 * write is logged and forgotten: progress is a hint, the result is what counts.
 */
final class ProgressContext implements ChunkContext {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressContext.class);

  private final ChunkStore chunks;
  private final Clock clock;
  private final UUID simulationId;
  private final int chunkIndex;
  private final int attempt;
  private final long intervalMillis;
  private final Duration lease;
  private final AtomicLong nextWriteAt;

  ProgressContext(
      ChunkStore chunks,
      Clock clock,
      UUID simulationId,
      int chunkIndex,
      int attempt,
      Duration interval,
      Duration lease) {
    this.chunks = chunks;
    this.clock = clock;
    this.simulationId = simulationId;
    this.chunkIndex = chunkIndex;
    this.attempt = attempt;
    this.intervalMillis = interval.toMillis();
    this.lease = lease;
    this.nextWriteAt = new AtomicLong(clock.millis());
  }

  @Override
  public void progress(double fractionDone, Map<String, Object> details) {
    long now = clock.millis();
    long due = nextWriteAt.get();
    if (now < due || !nextWriteAt.compareAndSet(due, now + intervalMillis)) {
      return;
    }
    double fraction = Double.isNaN(fractionDone) ? 0 : Math.clamp(fractionDone, 0.0, 1.0);
    try {
      if (!chunks.reportProgress(simulationId, chunkIndex, attempt, fraction, lease)) {
        LOG.debug(
            "chunk {}/{} attempt {} no longer owns the chunk", simulationId, chunkIndex, attempt);
      }
    } catch (RuntimeException e) {
      LOG.warn("progress of chunk {}/{} not recorded: {}", simulationId, chunkIndex, e.toString());
    }
  }

  @Override
  public boolean cancelled() {
    return false;
  }
}
