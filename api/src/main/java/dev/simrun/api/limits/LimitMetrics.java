package dev.simrun.api.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Requests refused because a limit was reached ({@code simrun_limit_refusals_total}, by limit;
 * docs/metrics.md). The owner is never a label: which owner hit a limit is in the log.
 */
@Singleton
public class LimitMetrics {
  /** An owner's open event streams on this instance (decision 0026). */
  public static final String STREAMS_PER_OWNER = "streams_per_owner";

  /** Every open event stream of this instance. */
  public static final String STREAMS = "streams";

  /** An owner's dataset uploads in flight on this instance. */
  public static final String UPLOADS_PER_OWNER = "uploads_per_owner";

  /** The datasets, or bytes of them, an owner may keep. */
  public static final String DATASETS_PER_OWNER = "datasets_per_owner";

  private final MeterRegistry registry;

  public LimitMetrics(Optional<MeterRegistry> registry) {
    this.registry = registry.orElseGet(CompositeMeterRegistry::new);
  }

  /** A request refused by {@code limit}, one of the constants here or an admission limit. */
  public void refused(String limit) {
    Counter.builder("simrun.limit.refusals")
        .description("Requests refused because a per-owner or instance limit was reached")
        .tag("limit", limit)
        .register(registry)
        .increment();
  }
}
