package dev.simrun.api.deadletters;

import dev.simrun.api.dispatch.OutboxPump;
import dev.simrun.api.identity.Caller;
import dev.simrun.api.problems.ApiProblems;
import dev.simrun.problems.ProblemException;
import dev.simrun.problems.ProblemTypes;
import dev.simrun.shared.deadletters.DeadLetterStatus;
import dev.simrun.shared.deadletters.DeadLetterStore;
import dev.simrun.shared.events.EventPublisher;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.UUID;

/**
 * The caller's dead letters: list and read them, replay one (its chunk runs again as a new
 * generation; a FAILED or PARTIAL simulation goes back to RUNNING) or discard it.
 */
@Controller("/api/v1/dead-letters")
@ExecuteOn(TaskExecutors.BLOCKING)
class DeadLettersController {
  private final DeadLetterStore store;
  private final OutboxPump pump;
  private final EventPublisher events;

  DeadLettersController(DeadLetterStore store, OutboxPump pump, EventPublisher events) {
    this.store = store;
    this.pump = pump;
    this.events = events;
  }

  /**
   * Newest first; {@code simulationId} and {@code status} (in any case) narrow the list. An unknown
   * status, or a cursor no page handed out, is a 400 naming it.
   */
  @Get
  DeadLetterResponse.Page list(
      Caller caller,
      @QueryValue @Nullable UUID simulationId,
      @QueryValue @Nullable DeadLetterStatus status,
      @QueryValue(defaultValue = "20") @Min(1) @Max(100) int limit,
      @QueryValue @Nullable String cursor) {
    DeadLetterStore.Page page = store.list(caller.owner(), simulationId, status, limit, cursor);
    return new DeadLetterResponse.Page(
        page.items().stream().map(DeadLetterResponse::of).toList(), page.nextCursor());
  }

  @Get("/{id}")
  DeadLetterResponse get(Caller caller, @PathVariable UUID id) {
    return store
        .find(caller.owner(), id)
        .map(DeadLetterResponse::of)
        .orElseThrow(() -> notFound(id));
  }

  /**
   * 202 with the letter, now REPLAYED: the chunk's new task is being created. 409 when the letter
   * was already resolved, its chunk succeeded since, or its simulation was cancelled.
   */
  @Post("/{id}/replay")
  HttpResponse<DeadLetterResponse> replay(Caller caller, @PathVariable UUID id) {
    DeadLetterStore.Resolved done = resolved(id, store.replay(caller.owner(), id));
    events.publish(done.events());
    pump.wake();
    return HttpResponse.accepted().body(DeadLetterResponse.of(done.letter()));
  }

  /** 200 with the letter, now DISCARDED; its chunk stays FAILED. 409 when already resolved. */
  @Post("/{id}/discard")
  DeadLetterResponse discard(Caller caller, @PathVariable UUID id) {
    return DeadLetterResponse.of(resolved(id, store.discard(caller.owner(), id)).letter());
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
