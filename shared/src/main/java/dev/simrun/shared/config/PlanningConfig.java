package dev.simrun.shared.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * What the planner knows of the fleet when it sizes chunks ({@code simrun.planning.*}); see
 * docs/decisions/0015-chunk-sizes-from-cost-and-slots.md.
 *
 * @param cpuSlots the worker slots that serve CPU-bound chunks, over the whole fleet (default 2,
 *     one local worker on two cores); in production the workers' instances times their {@code
 *     max-concurrent-chunks}
 * @param ioSlots the worker slots that serve I/O-bound chunks, over the whole fleet (default 128,
 *     one local worker's {@code max-concurrent-io-chunks})
 * @param chunkOverhead what the platform spends per chunk besides the kind's work: the push, the
 *     claim, the commit and their round trips (default 5 ms, measured on the local stack)
 * @param maxOverheadShare the most of a chunk's time the overhead and the kind's per-chunk setup
 *     may take (default 0.05): chunks are made at least big enough for that
 * @param maxChunkTime the longest a planned chunk should run (default 60 s): a retry repeats at
 *     most that much, progress moves at least that often, and it stays far below the worker's time
 *     limits
 */
@ConfigurationProperties("simrun.planning")
public record PlanningConfig(
    @Bindable(defaultValue = "2") @Min(1) int cpuSlots,
    @Bindable(defaultValue = "128") @Min(1) int ioSlots,
    @Bindable(defaultValue = "5ms") @NotNull Duration chunkOverhead,
    @Bindable(defaultValue = "0.05") double maxOverheadShare,
    @Bindable(defaultValue = "60s") @NotNull Duration maxChunkTime) {

  public PlanningConfig {
    if (!(maxOverheadShare > 0 && maxOverheadShare < 1)) {
      throw new IllegalArgumentException(
          "simrun.planning.max-overhead-share must be between 0 and 1, was " + maxOverheadShare);
    }
    if (chunkOverhead.isNegative() || !maxChunkTime.isPositive()) {
      throw new IllegalArgumentException(
          "simrun.planning.chunk-overhead must not be negative and max-chunk-time must be"
              + " positive, were "
              + chunkOverhead
              + " and "
              + maxChunkTime);
    }
  }

  /** The defaults, for code that plans without a running application (benchmarks, tests). */
  public static PlanningConfig defaults() {
    return new PlanningConfig(2, 128, Duration.ofMillis(5), 0.05, Duration.ofSeconds(60));
  }
}
