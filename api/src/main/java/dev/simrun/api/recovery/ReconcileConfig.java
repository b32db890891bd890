package dev.simrun.api.recovery;

import dev.simrun.shared.config.Settings;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * The reconciler ({@code simrun.reconcile.*}).
 *
 * @param enabled run it in this instance (default true)
 * @param interval time between passes (default 1 min)
 * @param quietFor how long a chunk waits before its task is looked up (default 10 min): longer than
 *     it takes to create a plan's tasks, so a healthy dispatch is never second-guessed
 * @param batch chunks looked up per pass at most (default 500), one GetTask each
 */
@ConfigurationProperties("simrun.reconcile")
public record ReconcileConfig(
    @Bindable(defaultValue = "true") boolean enabled,
    @Bindable(defaultValue = "1m") @NotNull Duration interval,
    @Bindable(defaultValue = "10m") @NotNull Duration quietFor,
    @Bindable(defaultValue = "500") @Min(1) @Max(10_000) int batch) {

  public ReconcileConfig {
    Settings.positive("simrun.reconcile.interval", interval);
    Settings.notNegative("simrun.reconcile.quiet-for", quietFor);
  }
}
