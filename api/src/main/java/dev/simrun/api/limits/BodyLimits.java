package dev.simrun.api.limits;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;

/**
 * How large a request body may be ({@code simrun.api.*}). The server's transport limit, {@code
 * micronaut.server.max-request-size}, is the dataset upload limit (64 MiB); every other route is
 * held to {@code maxBodyBytes} by {@link BodyLimitFilter}.
 *
 * @param maxBodyBytes the largest body of a request that is not a dataset upload (1 MiB): a
 *     simulation spec is a few kilobytes, so anything near this is a mistake or an attack
 */
@ConfigurationProperties("simrun.api")
public record BodyLimits(@Bindable(defaultValue = "1048576") @Min(1) long maxBodyBytes) {}
