package dev.simrun.shared.datasets;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code datasets} as stored: the bars in {@link BarsCodec}'s layout in {@code data}. */
@MappedEntity("datasets")
record DatasetRow(
    @Id UUID id,
    String owner,
    String name,
    int rows,
    Instant firstAt,
    Instant lastAt,
    long csvBytes,
    byte[] data,
    Instant createdAt) {}
