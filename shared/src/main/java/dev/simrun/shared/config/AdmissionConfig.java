package dev.simrun.shared.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * How much work SimRun accepts before it asks callers to come back later ({@code
 * simrun.admission.*}); beyond a limit a submission gets 429 with {@code Retry-After}.
 *
 * @param maxActivePerOwner simulations one owner may have queued, running or cancelling at once
 *     (default 20); exact, also under concurrent submits
 * @param maxQueuedChunks chunks not yet finished across all simulations (default 1,000,000); a soft
 *     limit: submits that race may pass it together by their own sizes
 * @param retryAfter what {@code Retry-After} says (default 30 s)
 */
@ConfigurationProperties("simrun.admission")
public record AdmissionConfig(
    @Bindable(defaultValue = "20") @Min(1) int maxActivePerOwner,
    @Bindable(defaultValue = "1000000") @Min(1) long maxQueuedChunks,
    @Bindable(defaultValue = "30s") @NotNull Duration retryAfter) {

  public AdmissionConfig {
    Settings.positive("simrun.admission.retry-after", retryAfter);
  }
}
