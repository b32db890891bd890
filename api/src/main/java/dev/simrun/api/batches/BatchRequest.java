package dev.simrun.api.batches;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * The body of {@code PUT /api/v1/batches/{name}}: the simulations each run submits (each a body of
 * {@code POST /api/v1/simulations}; {@code priority} defaults to {@code batch}) and the run
 * policies. Every field may be absent here so that every problem is reported in one answer.
 *
 * @param overlap {@code skip} (the default), {@code cancelPrevious} or {@code allow}
 * @param deadline an ISO-8601 duration such as {@code PT2H}; absent for none
 * @param failFastFirst stop a run when one of its first N simulations fails; absent or 0 for never
 */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = false)
public record BatchRequest(
    @Nullable List<JsonNode> simulations,
    @Nullable String overlap,
    @Nullable String deadline,
    @Nullable Integer failFastFirst) {}
