package dev.simrun.api.batches;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Batch runs started and ended, by batch and outcome, and how long they ran (docs/metrics.md). The
 * batch name is a label: operators define at most {@code simrun.batches.max-batches} (200) of them.
 * Counted once a run's change has committed, by the instance that made it.
 */
@Singleton
class BatchMetrics {
  private static final Duration[] BUCKETS = {
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(5),
    Duration.ofMinutes(15),
    Duration.ofMinutes(30),
    Duration.ofHours(1),
    Duration.ofHours(2),
    Duration.ofHours(4),
    Duration.ofHours(8),
    Duration.ofHours(12),
    Duration.ofHours(24)
  };

  /** A run that reached {@code status} (not RUNNING), having started at {@code start}. */
  record RunEnd(String batch, RunStatus status, Instant start, Instant end) {}

  private final MeterRegistry registry;

  BatchMetrics(Optional<MeterRegistry> registry) {
    this.registry = registry.orElseGet(CompositeMeterRegistry::new);
  }

  void started(String batch) {
    Counter.builder("simrun.batch.runs.started")
        .description("Batch runs that started their simulations")
        .tag("batch", batch)
        .register(registry)
        .increment();
  }

  void ended(RunEnd run) {
    String outcome = run.status().name().toLowerCase(Locale.ROOT);
    Counter.builder("simrun.batch.runs.ended")
        .description(
            "Batch runs that ended, by outcome (a run that goes on after FAILED counts again)")
        .tags("batch", run.batch(), "outcome", outcome)
        .register(registry)
        .increment();
    Duration took = Duration.between(run.start(), run.end());
    Timer.builder("simrun.batch.run.duration")
        .description("From a batch run's start to its end")
        .tags("batch", run.batch(), "outcome", outcome)
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(took.isNegative() ? Duration.ZERO : took);
  }
}
