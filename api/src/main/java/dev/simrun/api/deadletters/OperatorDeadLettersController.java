package dev.simrun.api.deadletters;

import dev.simrun.api.docs.ProblemAnswers;
import dev.simrun.api.identity.Operators;
import dev.simrun.shared.access.Scope;
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
import io.micronaut.security.annotation.Secured;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.util.UUID;

/**
 * Every owner's dead letters, for operators (403 for anyone else): list them, narrowed to one
 * {@code owner} if asked, read, replay and discard them as their owner could.
 */
@ProblemAnswers
@Tag(name = "Operators: dead letters")
@Controller("/api/v1/admin/dead-letters")
@Secured(Operators.ROLE)
@ExecuteOn(TaskExecutors.BLOCKING)
class OperatorDeadLettersController {
  private final DeadLetterActions actions;

  OperatorDeadLettersController(DeadLetterActions actions) {
    this.actions = actions;
  }

  /** Newest first, every owner's; {@code owner}, {@code simulationId} and {@code status} narrow. */
  @Get
  DeadLetterResponse.Page list(
      @QueryValue @Nullable @Pattern(regexp = "[A-Za-z0-9._@-]{1,64}") String owner,
      @QueryValue @Nullable UUID simulationId,
      @QueryValue @Nullable DeadLetterStatus status,
      @QueryValue(defaultValue = "20") @Min(1) @Max(100) int limit,
      @QueryValue @Nullable String cursor) {
    Scope scope = owner == null ? Scope.everyone() : Scope.owner(owner);
    return actions.list(scope, simulationId, status, limit, cursor);
  }

  @Get("/{id}")
  DeadLetterResponse get(@PathVariable UUID id) {
    return actions.get(Scope.everyone(), id);
  }

  @Post("/{id}/replay")
  HttpResponse<DeadLetterResponse> replay(@PathVariable UUID id) {
    return HttpResponse.accepted().body(actions.replay(Scope.everyone(), id));
  }

  @Post("/{id}/discard")
  DeadLetterResponse discard(@PathVariable UUID id) {
    return actions.discard(Scope.everyone(), id);
  }
}
