package dev.simrun.api.batches;

import dev.simrun.api.batches.BatchRunStore.Member;
import dev.simrun.api.dispatch.OutboxPump;
import dev.simrun.problems.ProblemException;
import dev.simrun.problems.ProblemTypes;
import dev.simrun.shared.dispatch.TaskDeleter;
import dev.simrun.shared.events.EventPublisher;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.simulations.AdmissionRefused;
import dev.simrun.shared.simulations.NewSimulation;
import dev.simrun.shared.simulations.NoSuchDataset;
import dev.simrun.shared.simulations.SimulationStatus;
import dev.simrun.shared.simulations.SimulationStore;
import dev.simrun.shared.simulations.SimulationStore.PendingTask;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and supervises batch runs. A trigger is decided in one transaction holding the batch's
 * row: triggers of one batch take turns, so a repeated key (a Scheduler retry, a duplicate
 * delivery, a double click) finds the run the first one recorded, also when they arrive at once;
 * the overlap policy sees every run still going; and the run and all its simulations, chunks and
 * outbox rows are stored together or not at all.
 */
@Singleton
class BatchRuns {
  private static final Logger LOG = LoggerFactory.getLogger(BatchRuns.class);

  /** Simulation statuses that have ended. */
  private static final Set<SimulationStatus> ENDED =
      EnumSet.of(
          SimulationStatus.SUCCEEDED,
          SimulationStatus.FAILED,
          SimulationStatus.CANCELLED,
          SimulationStatus.PARTIAL);

  /** Simulation statuses a cancel acts on. */
  private static final Set<SimulationStatus> CANCELLABLE =
      EnumSet.of(SimulationStatus.QUEUED, SimulationStatus.RUNNING);

  private final TransactionOperations<Connection> tx;
  private final Clock clock;
  private final BatchStore batches;
  private final BatchRunStore runs;
  private final BatchTemplates templates;
  private final SimulationStore simulations;
  private final OutboxPump pump;
  private final EventPublisher events;
  private final TaskDeleter tasks;
  private final BatchesConfig config;

  private final BatchMetrics metrics;

  BatchRuns(
      TransactionOperations<Connection> tx,
      Clock clock,
      BatchStore batches,
      BatchRunStore runs,
      BatchTemplates templates,
      SimulationStore simulations,
      OutboxPump pump,
      EventPublisher events,
      TaskDeleter tasks,
      BatchesConfig config,
      BatchMetrics metrics) {
    this.metrics = metrics;
    this.tx = tx;
    this.clock = clock;
    this.batches = batches;
    this.runs = runs;
    this.templates = templates;
    this.simulations = simulations;
    this.pump = pump;
    this.events = events;
    this.tasks = tasks;
    this.config = config;
  }

  /**
   * What starts a run.
   *
   * @param kind {@link BatchRun#SCHEDULER} or {@link BatchRun#MANUAL}
   * @param key what makes two triggers the same
   * @param scheduleTime Cloud Scheduler's schedule time; null for a manual run
   * @param requestedBy who asked, for the record
   */
  record Trigger(String kind, String key, @Nullable Instant scheduleTime, String requestedBy) {}

  /** The run a trigger names, and whether this trigger recorded it. */
  record Started(BatchRun run, boolean created) {}

  /** What a transaction leaves to do once it has committed. */
  private static final class Effects {
    final List<SimulationEvent> events = new ArrayList<>();
    final List<PendingTask> tasks = new ArrayList<>();
    final List<String> started = new ArrayList<>();
    final List<BatchMetrics.RunEnd> ended = new ArrayList<>();
    boolean queued;
  }

  private record Decided(Started started, Effects effects) {}

  /** The batch's definition changed while a trigger planned its simulations: plan again. */
  private static final class Redefined extends RuntimeException {
    Redefined() {
      super(null, null, false, false);
    }
  }

  /**
   * Records the run {@code trigger} names, once per key: a new RUNNING run with its simulations, or
   * a SKIPPED, MISSED or FAILED one that starts nothing, or the run an earlier trigger with the
   * same key recorded.
   *
   * @throws ProblemException 404 when there is no such batch
   */
  Started trigger(String name, Trigger trigger) {
    for (int attempt = 0; ; attempt++) {
      BatchDefinition batch = batches.find(name).orElseThrow(() -> noBatch(name));
      List<NewSimulation> planned = List.of();
      String invalid = null;
      try {
        planned = templates.plan(batch.owner(), templates.read(batch.templates()));
      } catch (ProblemException e) {
        invalid = describe(e);
      }
      Decided decided;
      try {
        List<NewSimulation> plan = planned;
        String why = invalid;
        decided = tx.executeWrite(st -> decide(st.getConnection(), batch, trigger, plan, why));
      } catch (Redefined e) {
        if (attempt < 3) {
          continue;
        }
        throw e;
      } catch (AdmissionRefused | NoSuchDataset e) {
        // Nothing of the run was stored; record it as failed so that retries find it.
        String why = "its simulations could not be admitted: " + e.getMessage();
        decided = tx.executeWrite(st -> decide(st.getConnection(), batch, trigger, List.of(), why));
      }
      apply(decided.effects());
      Started started = decided.started();
      if (started.created()) {
        LOG.info(
            "batch {} run {} ({} {}): {}{}",
            name,
            started.run().id(),
            trigger.kind(),
            trigger.key(),
            started.run().status(),
            started.run().reason() == null ? "" : ", " + started.run().reason());
      }
      return started;
    }
  }

  private Decided decide(
      Connection c,
      BatchDefinition planned,
      Trigger trigger,
      List<NewSimulation> simulationsToCreate,
      @Nullable String invalid)
      throws SQLException {
    BatchDefinition batch =
        batches.lock(c, planned.name()).orElseThrow(() -> noBatch(planned.name()));
    Effects effects = new Effects();
    Optional<BatchRun> known = runs.byKey(c, batch.name(), trigger.key());
    if (known.isPresent()) {
      return new Decided(new Started(known.get(), false), effects);
    }
    if (batch.version() != planned.version()) {
      throw new Redefined();
    }
    Instant now = clock.instant();
    UUID id = UUID.randomUUID();
    if (trigger.scheduleTime() != null
        && trigger.scheduleTime().isBefore(now.minus(config.missedAfter()))) {
      return ended(
          c,
          batch,
          trigger,
          id,
          RunStatus.MISSED,
          "its schedule time "
              + trigger.scheduleTime()
              + " is more than "
              + config.missedAfter()
              + " (simrun.batches.missed-after) in the past",
          now,
          effects);
    }
    if (invalid != null) {
      return ended(c, batch, trigger, id, RunStatus.FAILED, invalid, now, effects);
    }
    List<BatchRun> going = new ArrayList<>();
    for (BatchRun run : runs.runningLocked(c, batch.name())) {
      if (run.deadlineAt() != null && !run.deadlineAt().isAfter(now)) {
        end(
            c,
            run,
            RunStatus.TIMED_OUT,
            "its deadline " + run.deadlineAt() + " passed",
            now,
            effects);
      } else {
        going.add(run);
      }
    }
    if (!going.isEmpty()) {
      String ids = going.stream().map(r -> r.id().toString()).collect(Collectors.joining(", "));
      switch (batch.overlap()) {
        case SKIP -> {
          return ended(
              c,
              batch,
              trigger,
              id,
              RunStatus.SKIPPED,
              "run " + ids + " is still going and the batch's overlap is skip",
              now,
              effects);
        }
        case CANCEL_PREVIOUS -> {
          for (BatchRun run : going) {
            end(
                c,
                run,
                RunStatus.CANCELLED,
                "run " + id + " replaced it (overlap cancelPrevious)",
                now,
                effects);
          }
        }
        case ALLOW -> {}
      }
    }
    BatchRun run =
        new BatchRun(
            id,
            batch.name(),
            trigger.kind(),
            trigger.key(),
            trigger.scheduleTime(),
            trigger.requestedBy(),
            RunStatus.RUNNING,
            null,
            batch.owner(),
            batch.deadline() == null ? null : now.plus(batch.deadline()),
            batch.failFastFirst(),
            now,
            null);
    runs.insert(c, run, false);
    effects.started.add(batch.name());
    for (int i = 0; i < simulationsToCreate.size(); i++) {
      SimulationStore.Submission s =
          simulations.create(simulationsToCreate.get(i).inBatch(id, batch.name(), i));
      if (s.queued() != null) {
        effects.events.add(s.queued());
      }
      effects.queued = true;
    }
    return new Decided(new Started(run, true), effects);
  }

  /** Records a run that starts nothing. */
  private Decided ended(
      Connection c,
      BatchDefinition batch,
      Trigger trigger,
      UUID id,
      RunStatus status,
      String reason,
      Instant now,
      Effects effects)
      throws SQLException {
    BatchRun run =
        new BatchRun(
            id,
            batch.name(),
            trigger.kind(),
            trigger.key(),
            trigger.scheduleTime(),
            trigger.requestedBy(),
            status,
            reason,
            batch.owner(),
            null,
            batch.failFastFirst(),
            now,
            now);
    runs.insert(c, run, false);
    effects.ended.add(new BatchMetrics.RunEnd(batch.name(), status, now, now));
    return new Decided(new Started(run, true), effects);
  }

  /** Ends a run going on: its simulations still queued or running are cancelled. */
  private void end(
      Connection c, BatchRun run, RunStatus status, String reason, Instant now, Effects effects)
      throws SQLException {
    for (Member m : runs.members(c, run.id())) {
      if (CANCELLABLE.contains(m.status())
          && simulations.cancel(run.owner(), m.simulationId())
              instanceof SimulationStore.Cancelling cancelling) {
        cancelling.cancelled().ifPresent(effects.events::add);
        effects.tasks.addAll(cancelling.pendingTasks());
      }
    }
    runs.move(c, run.id(), status, reason, false, now);
    effects.ended.add(new BatchMetrics.RunEnd(run.batchName(), status, run.createdAt(), now));
    LOG.info("batch {} run {}: {}, {}", run.batchName(), run.id(), status, reason);
  }

  /**
   * One look at every run going on: a run past its deadline is TIMED_OUT, one whose first
   * failFastFirst simulations include a failure is FAILED, and one whose simulations have all ended
   * is SUCCEEDED or FAILED. A FAILED run one of whose simulations runs again goes on. Instances may
   * look at once: each run is decided by the one that locks it.
   *
   * @return how many runs changed
   */
  int supervise() {
    int changed = 0;
    for (UUID id : runs.toSupervise(500)) {
      Effects effects =
          tx.executeWrite(
              st -> {
                Effects e = new Effects();
                return supervise(st.getConnection(), id, e) ? e : null;
              });
      if (effects != null) {
        apply(effects);
        changed++;
      }
    }
    return changed;
  }

  private boolean supervise(Connection c, UUID id, Effects effects) throws SQLException {
    Optional<BatchRun> locked = runs.tryLock(c, id);
    if (locked.isEmpty()) {
      return false;
    }
    BatchRun run = locked.get();
    Instant now = clock.instant();
    List<Member> members = runs.members(c, id);
    Optional<Member> active = members.stream().filter(m -> !ENDED.contains(m.status())).findFirst();
    boolean pastDeadline = run.deadlineAt() != null && !run.deadlineAt().isAfter(now);
    if (run.status() == RunStatus.FAILED) {
      if (active.isEmpty() || pastDeadline) {
        return false;
      }
      runs.move(
          c,
          id,
          RunStatus.RUNNING,
          "simulation #" + active.get().position() + " runs again",
          false,
          now);
      LOG.info("batch {} run {} goes on: a simulation runs again", run.batchName(), id);
      return true;
    }
    if (run.status() != RunStatus.RUNNING) {
      return false;
    }
    if (active.isPresent() && pastDeadline) {
      end(
          c,
          run,
          RunStatus.TIMED_OUT,
          "its deadline " + run.deadlineAt() + " passed",
          now,
          effects);
      return true;
    }
    Optional<Member> early =
        members.stream()
            .filter(m -> m.position() < run.failFastFirst())
            .filter(
                m ->
                    m.status() == SimulationStatus.FAILED || m.status() == SimulationStatus.PARTIAL)
            .findFirst();
    if (early.isPresent() && active.isPresent()) {
      end(
          c,
          run,
          RunStatus.FAILED,
          "simulation #"
              + early.get().position()
              + " ("
              + early.get().simulationId()
              + ") is "
              + early.get().status()
              + ", one of the first "
              + run.failFastFirst()
              + " (failFastFirst)",
          now,
          effects);
      return true;
    }
    if (active.isPresent()) {
      return false;
    }
    List<Member> unsuccessful =
        members.stream().filter(m -> m.status() != SimulationStatus.SUCCEEDED).toList();
    if (unsuccessful.isEmpty()) {
      runs.move(c, id, RunStatus.SUCCEEDED, null, false, now);
      effects.ended.add(
          new BatchMetrics.RunEnd(run.batchName(), RunStatus.SUCCEEDED, run.createdAt(), now));
      LOG.info("batch {} run {}: SUCCEEDED", run.batchName(), id);
    } else {
      String which =
          unsuccessful.stream()
              .map(m -> "#" + m.position() + " " + m.status())
              .collect(Collectors.joining(", "));
      // Failed simulations may be replayed (their dead letters) and the run go on, unless the
      // failFastFirst policy ended it.
      boolean byPolicy = early.isPresent();
      runs.move(
          c,
          id,
          RunStatus.FAILED,
          unsuccessful.size()
              + " of "
              + members.size()
              + " simulations did not succeed: "
              + which
              + (byPolicy ? " (failFastFirst)" : ""),
          !byPolicy,
          now);
      effects.ended.add(
          new BatchMetrics.RunEnd(run.batchName(), RunStatus.FAILED, run.createdAt(), now));
      LOG.info("batch {} run {}: FAILED ({})", run.batchName(), id, which);
    }
    return true;
  }

  private void apply(Effects effects) {
    effects.started.forEach(metrics::started);
    effects.ended.forEach(metrics::ended);
    if (!effects.events.isEmpty()) {
      events.publish(effects.events);
    }
    if (!effects.tasks.isEmpty()) {
      tasks.deleteLater(effects.tasks);
    }
    if (effects.queued) {
      pump.wake();
    }
  }

  private static String describe(ProblemException e) {
    if (e.errors().isEmpty()) {
      return "its simulations are not valid now: " + e.getMessage();
    }
    return "its simulations are not valid now: "
        + e.errors().stream()
            .limit(5)
            .map(f -> f.field() + ": " + f.message())
            .collect(Collectors.joining("; "));
  }

  static ProblemException noBatch(String name) {
    return new ProblemException(ProblemTypes.NOT_FOUND, "no batch '" + name + "'");
  }
}
