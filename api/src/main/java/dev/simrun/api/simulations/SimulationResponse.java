package dev.simrun.api.simulations;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.simrun.shared.simulations.SimulationView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.UUID;

/** A simulation as {@code GET} shows it; absent times and error are {@code null}, not omitted. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SimulationResponse(
    UUID id,
    String kind,
    @Nullable String name,
    String status,
    String priority,
    Chunks chunks,
    FailurePolicy failurePolicy,
    double progress,
    String createdAt,
    @Nullable String startedAt,
    @Nullable String finishedAt,
    @Nullable String error) {

  /** How many chunks may fail for good and still give a PARTIAL result; 0 is failFast. */
  @Serdeable
  public record FailurePolicy(int tolerate) {}

  /** Chunks by status. */
  @Serdeable
  public record Chunks(
      int total, int pending, int running, int succeeded, int failed, int cancelled) {}

  public static SimulationResponse of(SimulationView v) {
    SimulationView.ChunkCounts c = v.chunks();
    return new SimulationResponse(
        v.id(),
        v.kind(),
        v.name(),
        v.status().name(),
        v.priority().wire(),
        new Chunks(c.total(), c.pending(), c.running(), c.succeeded(), c.failed(), c.cancelled()),
        new FailurePolicy(v.maxFailedChunks()),
        v.progress(),
        iso(v.createdAt()),
        iso(v.startedAt()),
        iso(v.finishedAt()),
        v.error());
  }

  /** ISO-8601 in UTC, whatever the serializer's date settings. */
  private static String iso(Instant t) {
    return t == null ? null : t.toString();
  }
}
