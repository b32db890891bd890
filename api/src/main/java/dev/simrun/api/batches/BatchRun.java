package dev.simrun.api.batches;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/**
 * One run of a batch.
 *
 * @param trigger {@code scheduler} or {@code manual}
 * @param triggerKey what makes a trigger the same as another: Cloud Scheduler's schedule time, or a
 *     manual run's Idempotency-Key
 * @param requestedBy the Scheduler's service account and job, or the operator
 * @param owner whose simulations it created
 */
public record BatchRun(
    UUID id,
    String batchName,
    String trigger,
    String triggerKey,
    @Nullable Instant scheduleTime,
    String requestedBy,
    RunStatus status,
    @Nullable String reason,
    String owner,
    @Nullable Instant deadlineAt,
    int failFastFirst,
    Instant createdAt,
    @Nullable Instant endedAt) {

  public static final String SCHEDULER = "scheduler";
  public static final String MANUAL = "manual";
}
