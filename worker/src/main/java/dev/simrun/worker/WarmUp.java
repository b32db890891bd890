package dev.simrun.worker;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.SimulationKind;
import dev.simrun.kinds.SimulationKinds;
import dev.simrun.kinds.UnitRange;
import dev.simrun.shared.events.EventPublisher;
import dev.simrun.shared.serviceauth.IdTokenVerifier;
import dev.simrun.shared.simulations.ChunkStore;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readies the worker before it listens for pushes: the issuer's signing keys fetched, a database
 * connection opened, the event publisher built, and each kind's warm-up parameters run once in
 * memory so that its code is loaded and compiled. Without it the first chunks after a start (a
 * deploy, a scale-out, the local demo) each paid a second or more for what is done here once.
 * Nothing here can fail the start: whatever fails is done again by the first push that needs it.
 */
@Singleton
@Requires(property = "simrun.worker.warm-up", notEquals = "false")
class WarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
  private static final long WARM_UP_UNITS = 4;

  /** Rounds of each kind's warm-up, enough for the JIT's hot loops, at most this long per kind. */
  private static final int ROUNDS = 20;

  private static final long BUDGET_NANOS = 400_000_000L;

  private final IdTokenVerifier verifier;
  private final ChunkStore chunks;
  private final SimulationKinds kinds;

  WarmUp(
      IdTokenVerifier verifier, ChunkStore chunks, SimulationKinds kinds, EventPublisher events) {
    // The event publisher is built by asking for it.
    this.verifier = verifier;
    this.chunks = chunks;
    this.kinds = kinds;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    long start = System.nanoTime();
    verifier.prefetch();
    try {
      chunks.routingOf(new UUID(0, 0));
    } catch (RuntimeException e) {
      LOG.warn("warm-up: the database cannot be reached yet: {}", e.toString());
    }
    for (String name : kinds.names()) {
      SimulationKind<?, ?, ?> kind = kinds.get(name);
      long kindStart = System.nanoTime();
      for (int round = 0; round < ROUNDS; round++) {
        for (String params : kind.warmUpParams()) {
          if (!run(kind, params)) {
            break;
          }
        }
        if (System.nanoTime() - kindStart > BUDGET_NANOS) {
          break;
        }
      }
    }
    LOG.info("warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
  }

  private <P> boolean run(SimulationKind<P, ?, ?> kind, String json) {
    try {
      P params = kinds.readParams(kind, json);
      if (!kind.validate(params).isEmpty()) {
        throw new IllegalArgumentException("invalid warm-up params: " + kind.validate(params));
      }
      long units = Math.min(WARM_UP_UNITS, kind.unitCount(params));
      kind.runChunk(params, new UnitRange(0, units), ChunkContext.NONE);
      return true;
    } catch (Exception e) {
      LOG.warn("warm-up of {} failed: {}", kind.name(), e.toString());
      return false;
    }
  }
}
