package dev.simrun.shared.recovery;

import dev.simrun.shared.dispatch.TaskQueue;
import dev.simrun.shared.events.EventPublisher;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.recovery.RecoveryStore.Candidate;
import dev.simrun.shared.simulations.ChunkAttempts;
import dev.simrun.shared.simulations.TaskIds;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds chunks that would otherwise wait forever: their task is not in the queue any more (never
 * created, deleted when its retries ran out, or gone with a dead worker) and nothing else will
 * bring them back. For each candidate it asks the queue whether the chunk's current task exists;
 * only a missing one is dispatched anew (new generation, through the outbox). A task that still
 * waits, even for a long time in a deep queue, is left alone.
 */
@Singleton
public class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

  private final RecoveryStore store;
  private final TaskQueue queue;
  private final ChunkAttempts chunks;
  private final EventPublisher events;

  public Reconciler(
      RecoveryStore store, TaskQueue queue, ChunkAttempts chunks, EventPublisher events) {
    this.store = store;
    this.queue = queue;
    this.chunks = chunks;
    this.events = events;
  }

  /**
   * What one pass did: chunks looked at and dispatched again, lookups that failed, simulations
   * whose finalize was enqueued again, cancellations completed for chunks whose worker died.
   */
  public record Pass(
      int checked, int redispatched, int lookupsFailed, int refinalized, int cancelsCompleted) {

    /** True when the pass put rows into the outbox: the pump should look now. */
    public boolean enqueued() {
      return redispatched > 0 || refinalized > 0;
    }
  }

  /** One pass over at most {@code limit} chunks quiet for longer than {@code quietFor}. */
  public Pass run(Duration quietFor, int limit) {
    List<Candidate> candidates = store.candidates(quietFor, limit);
    int redispatched = 0;
    int failed = 0;
    for (Candidate c : candidates) {
      boolean exists;
      try {
        exists =
            queue
                .exists(c.queue(), TaskIds.chunk(c.simulationId(), c.chunkIndex(), c.generation()))
                .get(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        failed++;
        LOG.debug(
            "cannot tell whether chunk {}/{} has a task: {}",
            c.simulationId(),
            c.chunkIndex(),
            e.toString());
        continue;
      }
      if (!exists && store.redispatch(c)) {
        redispatched++;
        LOG.info(
            "chunk {}/{} had no task; dispatched again as generation {}",
            c.simulationId(),
            c.chunkIndex(),
            c.generation() + 1);
      }
    }
    int refinalized = 0;
    for (RecoveryStore.Unfinalized u : store.unfinalized(quietFor, limit)) {
      String task = TaskIds.finalizeTask(u.simulationId(), u.generation());
      try {
        if (queue.exists(u.queue(), task).get(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          continue;
        }
      } catch (Exception e) {
        failed++;
        LOG.debug("cannot tell whether {} has a task: {}", task, e.toString());
        continue;
      }
      if (store.refinalize(u)) {
        refinalized++;
        LOG.info("simulation {} had no finalize task; enqueued it again", u.simulationId());
      }
    }
    List<SimulationEvent> cancelled = chunks.stopLapsedInCancelling(limit);
    events.publish(cancelled);
    return new Pass(candidates.size(), redispatched, failed, refinalized, cancelled.size());
  }
}
