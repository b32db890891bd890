package dev.simrun.api.deadletters;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.simrun.shared.deadletters.DeadLetter;
import dev.simrun.shared.dispatch.TaskPayloads.ChunkTask;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A dead letter as the api shows it; times are ISO-8601 in UTC, absent ones {@code null}. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DeadLetterResponse(
    UUID id,
    String owner,
    UUID simulationId,
    int chunk,
    int generation,
    String taskName,
    ChunkTask payload,
    String error,
    int attempts,
    boolean permanent,
    String firstFailureAt,
    String lastFailureAt,
    String createdAt,
    String status,
    @Nullable String resolvedAt) {

  static DeadLetterResponse of(DeadLetter d) {
    return new DeadLetterResponse(
        d.id(),
        d.owner(),
        d.simulationId(),
        d.chunkIndex(),
        d.generation(),
        d.taskName(),
        d.payload(),
        d.error(),
        d.attempts(),
        d.permanent(),
        iso(d.firstFailureAt()),
        iso(d.lastFailureAt()),
        iso(d.createdAt()),
        d.status().name(),
        iso(d.resolvedAt()));
  }

  private static String iso(Instant t) {
    return t == null ? null : t.toString();
  }

  /** One page of dead letters, newest first; {@code nextCursor} is null on the last page. */
  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Page(List<DeadLetterResponse> items, @Nullable String nextCursor) {}
}
