package dev.simrun.api.datasets;

import dev.simrun.shared.datasets.OhlcvCsv;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Dataset uploads ({@code simrun.datasets.*}).
 *
 * @param maxRows the most bars one upload may hold (2,000,000, which is also the ceiling)
 * @param maxUploadBytes the largest CSV, counted as it is read (64 MiB); keep the server's {@code
 *     micronaut.server.max-request-size} above it, so that this limit, which answers 413 at once,
 *     is the one a large upload meets
 * @param maxConcurrentUploads uploads one instance parses at once (2); beyond, 429 with {@code
 *     Retry-After}. Each holds its bars in memory until stored, about 100 MB at the largest, so
 *     this bounds what uploads take of the heap
 */
@ConfigurationProperties("simrun.datasets")
public record DatasetsConfig(
    @Bindable(defaultValue = "2000000") @Min(1) @Max(OhlcvCsv.MAX_ROWS) int maxRows,
    @Bindable(defaultValue = "67108864") @Min(1) long maxUploadBytes,
    @Bindable(defaultValue = "2") @Min(1) @Max(64) int maxConcurrentUploads) {}
