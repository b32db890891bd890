package dev.simrun.api.deadletters;

import dev.simrun.api.docs.ProblemAnswers;
import dev.simrun.api.identity.Caller;
import dev.simrun.shared.deadletters.DeadLetterStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.UUID;

/**
 * The caller's dead letters: list and read them, replay one (its chunk runs again as a new
 * generation; a FAILED or PARTIAL simulation goes back to RUNNING) or discard it. Operators see
 * everyone's at {@code /api/v1/admin/dead-letters}.
 */
@ProblemAnswers
@Tag(name = "Dead letters")
@Controller("/api/v1/dead-letters")
@ExecuteOn(TaskExecutors.BLOCKING)
class DeadLettersController {
  private final DeadLetterActions actions;

  DeadLettersController(DeadLetterActions actions) {
    this.actions = actions;
  }

  /**
   * Newest first; {@code simulationId} and {@code status} (in any case) narrow the list. An unknown
   * status, or a cursor no page handed out, is a 400 naming it.
   */
  @Get
  DeadLetterResponse.Page list(
      @Parameter(hidden = true) Caller caller,
      @QueryValue @Nullable UUID simulationId,
      @QueryValue @Nullable DeadLetterStatus status,
      @QueryValue(defaultValue = "20") @Min(1) @Max(100) int limit,
      @QueryValue @Nullable String cursor) {
    return actions.list(caller.own(), simulationId, status, limit, cursor);
  }

  @Get("/{id}")
  DeadLetterResponse get(@Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
    return actions.get(caller.own(), id);
  }

  /**
   * 202 with the letter, now REPLAYED: the chunk's new task is being created. 409 when the letter
   * was already resolved, its chunk succeeded since, or its simulation was cancelled.
   */
  @Post("/{id}/replay")
  HttpResponse<DeadLetterResponse> replay(
      @Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
    return HttpResponse.accepted().body(actions.replay(caller.own(), id));
  }

  /** 200 with the letter, now DISCARDED; its chunk stays FAILED. 409 when already resolved. */
  @Post("/{id}/discard")
  DeadLetterResponse discard(@Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
    return actions.discard(caller.own(), id);
  }
}
