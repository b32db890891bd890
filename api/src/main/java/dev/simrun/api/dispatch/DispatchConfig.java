package dev.simrun.api.dispatch;

import dev.simrun.shared.config.Settings;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * How the api drains the outbox ({@code simrun.dispatch.*}).
 *
 * @param pollInterval the longest the pump sleeps between drains when nothing wakes it; bounds how
 *     late a row left by a failed CreateTask or by another instance is picked up
 * @param stopTimeout how long shutdown waits for a drain in progress before interrupting it
 */
@ConfigurationProperties("simrun.dispatch")
public record DispatchConfig(
    @Bindable(defaultValue = "1s") @NotNull Duration pollInterval,
    @Bindable(defaultValue = "10s") @NotNull Duration stopTimeout) {

  public DispatchConfig {
    Settings.positive("simrun.dispatch.poll-interval", pollInterval);
    Settings.notNegative("simrun.dispatch.stop-timeout", stopTimeout);
  }
}
