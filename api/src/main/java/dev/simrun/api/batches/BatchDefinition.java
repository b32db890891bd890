package dev.simrun.api.batches;

import io.micronaut.core.annotation.Nullable;
import java.time.Duration;
import java.time.Instant;

/**
 * A stored batch.
 *
 * @param owner whose simulations its runs create: the operator who last defined it
 * @param templates the submit bodies, a JSON array as given
 * @param deadline how long a run may go on; null for no deadline
 * @param failFastFirst a run stops when one of its first this many simulations fails; 0 for never
 * @param version 1, then one more at each change
 */
public record BatchDefinition(
    String name,
    String owner,
    String templates,
    Overlap overlap,
    @Nullable Duration deadline,
    int failFastFirst,
    long version,
    Instant createdAt,
    Instant updatedAt) {}
