package dev.simrun.api.simulations;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.simrun.shared.simulations.SimulationStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** One page of a caller's simulations; {@code nextCursor} is null on the last page. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SimulationPage(List<SimulationResponse> items, @Nullable String nextCursor) {
  static SimulationPage of(SimulationStore.Page page) {
    return new SimulationPage(
        page.items().stream().map(SimulationResponse::of).toList(), page.nextCursor());
  }
}
