package dev.simrun.api.simulations;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The body of {@code POST /api/v1/simulations}. Every field may be absent here so that {@link
 * Submissions} reports what is missing together with what is wrong, in one answer; {@code params}
 * stays JSON until the kind is known. {@code failurePolicy} is {@code "failFast"} (the default) or
 * {@code {"tolerate": N}}.
 */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = false)
public record SubmitRequest(
    @Nullable String kind,
    @Nullable JsonNode params,
    @Nullable Chunking chunking,
    @Nullable String priority,
    @Nullable String name,
    @Nullable JsonNode failurePolicy) {

  /** How to split the kind's units of work into chunks. */
  @Serdeable
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Chunking(@Nullable Integer unitsPerChunk) {}
}
