package dev.simrun.api.limits;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * How large a request body may be ({@code simrun.api.*}). The server's transport limit, {@code
 * micronaut.server.max-request-size}, is the dataset upload limit (64 MiB); every other route is
 * held to {@code maxBodyBytes} by {@link BodyLimitFilter}.
 *
 * @param maxBodyBytes the largest body of a request that is not a dataset upload (1 MiB): a
 *     simulation spec is a few kilobytes, so anything near this is a mistake or an attack
 * @param maxDrainBytes how much of a body the api still reads, and throws away, after it has
 *     answered without reading it (256 MiB, four times the upload limit), so that the client, which
 *     may be sending still, can read the answer; past this the connection is closed at once ({@link
 *     LingeringClose})
 * @param drainIdleTimeout how long the api waits for more of such a body before it closes (5 s)
 */
@ConfigurationProperties("simrun.api")
public record BodyLimits(
    @Bindable(defaultValue = "1048576") @Min(1) long maxBodyBytes,
    @Bindable(defaultValue = "268435456") @Min(0) long maxDrainBytes,
    @Bindable(defaultValue = "5s") Duration drainIdleTimeout) {}
