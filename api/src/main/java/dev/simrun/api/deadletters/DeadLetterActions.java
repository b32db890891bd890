package dev.simrun.api.deadletters;

import dev.simrun.api.dispatch.OutboxPump;
import dev.simrun.api.problems.ApiProblems;
import dev.simrun.problems.ProblemException;
import dev.simrun.problems.ProblemTypes;
import dev.simrun.shared.access.Scope;
import dev.simrun.shared.deadletters.DeadLetterStatus;
import dev.simrun.shared.deadletters.DeadLetterStore;
import dev.simrun.shared.events.EventPublisher;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * What both dead-letter routes do, an owner's ({@code /api/v1/dead-letters}) and an operator's
 * ({@code /api/v1/admin/dead-letters}): the same reads and resolutions, in a different scope. A
 * letter outside the scope is not found, exactly like one that does not exist.
 */
@Singleton
class DeadLetterActions {
  private final DeadLetterStore store;
  private final OutboxPump pump;
  private final EventPublisher events;

  DeadLetterActions(DeadLetterStore store, OutboxPump pump, EventPublisher events) {
    this.store = store;
    this.pump = pump;
    this.events = events;
  }

  DeadLetterResponse.Page list(
      Scope scope,
      @Nullable UUID simulationId,
      @Nullable DeadLetterStatus status,
      int limit,
      @Nullable String cursor) {
    DeadLetterStore.Page page = store.list(scope, simulationId, status, limit, cursor);
    return new DeadLetterResponse.Page(
        page.items().stream().map(DeadLetterResponse::of).toList(), page.nextCursor());
  }

  DeadLetterResponse get(Scope scope, UUID id) {
    return store.find(scope, id).map(DeadLetterResponse::of).orElseThrow(() -> notFound(id));
  }

  DeadLetterResponse replay(Scope scope, UUID id) {
    DeadLetterStore.Resolved done = resolved(id, store.replay(scope, id));
    events.publish(done.events());
    pump.wake();
    return DeadLetterResponse.of(done.letter());
  }

  DeadLetterResponse discard(Scope scope, UUID id) {
    return DeadLetterResponse.of(resolved(id, store.discard(scope, id)).letter());
  }

  private static DeadLetterStore.Resolved resolved(UUID id, DeadLetterStore.Resolution resolution) {
    return switch (resolution) {
      case DeadLetterStore.Resolved r -> r;
      case DeadLetterStore.NotFound n -> throw notFound(id);
      case DeadLetterStore.Conflict c ->
          throw new ProblemException(
              c.alreadyResolved() ? ApiProblems.ALREADY_RESOLVED : ApiProblems.NOT_REPLAYABLE,
              c.why());
    };
  }

  private static ProblemException notFound(UUID id) {
    return new ProblemException(ProblemTypes.NOT_FOUND, "no dead letter " + id);
  }
}
