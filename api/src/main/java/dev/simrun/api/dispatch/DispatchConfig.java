package dev.simrun.api.dispatch;

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
    if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("simrun.dispatch.poll-interval must be > 0");
    }
  }
}
