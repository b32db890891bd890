package dev.simrun.api.batches;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/** A batch as the api shows it. */
@Serdeable
public record BatchResponse(
    String name,
    String owner,
    List<JsonNode> simulations,
    String overlap,
    @Nullable String deadline,
    int failFastFirst,
    long version,
    String createdAt,
    String updatedAt,
    Map<String, String> links) {

  static BatchResponse of(BatchDefinition b, List<JsonNode> simulations) {
    return new BatchResponse(
        b.name(),
        b.owner(),
        simulations,
        b.overlap().wire(),
        b.deadline() == null ? null : b.deadline().toString(),
        b.failFastFirst(),
        b.version(),
        b.createdAt().toString(),
        b.updatedAt().toString(),
        Map.of(
            "self", "/api/v1/batches/" + b.name(),
            "runs", "/api/v1/batches/" + b.name() + "/runs"));
  }

  /** A page of batches, by name. */
  @Serdeable
  public record Page(List<BatchResponse> items) {}
}
