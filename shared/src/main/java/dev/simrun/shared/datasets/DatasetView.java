package dev.simrun.shared.datasets;

import io.micronaut.core.annotation.Introspected;
import java.time.Instant;
import java.util.UUID;

/** A stored dataset as its owner sees it: everything but the bars. */
@Introspected
public record DatasetView(
    UUID id,
    String name,
    int rows,
    Instant firstAt,
    Instant lastAt,
    long csvBytes,
    long storedBytes,
    Instant createdAt) {}
