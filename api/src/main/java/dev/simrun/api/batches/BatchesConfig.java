package dev.simrun.api.batches;

import dev.simrun.shared.config.Settings;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * How batches run ({@code simrun.batches.*}).
 *
 * @param missedAfter a Cloud Scheduler trigger whose schedule time is older than this is recorded
 *     as MISSED and starts nothing (default 1 h): a night that a long outage swallowed is not run
 *     the next morning on top of the next one
 * @param superviseInterval how often each api instance looks at the runs still going: deadlines,
 *     failFastFirst, and the end of a run (default 2 s)
 * @param maxTemplates the most simulations one batch may list (default 50)
 * @param maxBatches the most batches that may be defined (default 200)
 */
@ConfigurationProperties("simrun.batches")
public record BatchesConfig(
    @Bindable(defaultValue = "1h") @NotNull Duration missedAfter,
    @Bindable(defaultValue = "2s") @NotNull Duration superviseInterval,
    @Bindable(defaultValue = "50") @Min(1) @Max(1000) int maxTemplates,
    @Bindable(defaultValue = "200") @Min(1) int maxBatches) {

  public BatchesConfig {
    Settings.positive("simrun.batches.missed-after", missedAfter);
    Settings.positive("simrun.batches.supervise-interval", superviseInterval);
  }
}
