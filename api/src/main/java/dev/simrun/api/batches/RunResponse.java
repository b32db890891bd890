package dev.simrun.api.batches;

import dev.simrun.api.batches.BatchRunStore.Member;
import dev.simrun.api.batches.BatchRunStore.RunDetail;
import dev.simrun.api.batches.BatchRunStore.Transition;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A batch run as the api shows it; {@code simulations} and {@code transitions} only when one run is
 * asked for.
 */
@Serdeable
public record RunResponse(
    String id,
    String batch,
    String trigger,
    String triggerKey,
    @Nullable String scheduleTime,
    String requestedBy,
    String status,
    @Nullable String reason,
    String owner,
    @Nullable String deadlineAt,
    int failFastFirst,
    String createdAt,
    @Nullable String endedAt,
    @Nullable List<RunSimulation> simulations,
    @Nullable List<RunTransition> transitions,
    Map<String, String> links) {

  /** A simulation of the run, at its template's place in the batch's list. */
  @Serdeable
  public record RunSimulation(
      int position,
      String id,
      String kind,
      @Nullable String name,
      String status,
      @Nullable String error,
      Map<String, String> links) {}

  /** A status the run has been in. */
  @Serdeable
  public record RunTransition(String status, @Nullable String reason, String at) {}

  /** A page of runs, newest first; pass {@code nextBefore} as {@code before} for older ones. */
  @Serdeable
  public record Page(List<RunResponse> items, @Nullable String nextBefore) {}

  static RunResponse of(BatchRun run) {
    return of(run, null, null);
  }

  static RunResponse of(RunDetail detail) {
    return of(
        detail.run(),
        detail.members().stream().map(RunResponse::simulation).toList(),
        detail.transitions().stream().map(RunResponse::transition).toList());
  }

  private static RunResponse of(
      BatchRun run,
      @Nullable List<RunSimulation> simulations,
      @Nullable List<RunTransition> transitions) {
    String self = "/api/v1/batches/" + run.batchName() + "/runs/" + run.id();
    return new RunResponse(
        run.id().toString(),
        run.batchName(),
        run.trigger(),
        run.triggerKey(),
        text(run.scheduleTime()),
        run.requestedBy(),
        run.status().name(),
        run.reason(),
        run.owner(),
        text(run.deadlineAt()),
        run.failFastFirst(),
        run.createdAt().toString(),
        text(run.endedAt()),
        simulations,
        transitions,
        Map.of("self", self, "batch", "/api/v1/batches/" + run.batchName()));
  }

  private static RunSimulation simulation(Member m) {
    String self = "/api/v1/simulations/" + m.simulationId();
    return new RunSimulation(
        m.position(),
        m.simulationId().toString(),
        m.kind(),
        m.name(),
        m.status().name(),
        m.error(),
        Map.of(
            "self",
            self,
            "events",
            self + "/events",
            "console",
            "/simulations/" + m.simulationId()));
  }

  private static RunTransition transition(Transition t) {
    return new RunTransition(t.status().name(), t.reason(), t.at().toString());
  }

  private static @Nullable String text(@Nullable Instant at) {
    return at == null ? null : at.toString();
  }
}
