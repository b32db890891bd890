package dev.simrun.api.simulations;

import dev.simrun.shared.simulations.SimulationStore;
import io.micronaut.serde.annotation.Serdeable;
import java.util.UUID;

/** The answer to a submit: 202 when stored now, 200 when an idempotency key found it. */
@Serdeable
public record SubmitResponse(UUID id, String status, int chunkCount) {
  static SubmitResponse of(SimulationStore.Submission s) {
    return new SubmitResponse(s.id(), s.status().name(), s.chunkCount());
  }
}
