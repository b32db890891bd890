package dev.simrun.api.batches;

import dev.simrun.shared.simulations.SimulationStatus;
import dev.simrun.shared.simulations.Sql;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code batch_runs} table, each run's transitions, and the simulations a run created. */
@Singleton
class BatchRunStore {
  private static final String COLUMNS =
      "id, batch_name, trigger, trigger_key, schedule_time, requested_by, status, reason, owner,"
          + " deadline_at, fail_fast_first, created_at, ended_at";

  private final TransactionOperations<Connection> tx;

  BatchRunStore(TransactionOperations<Connection> tx) {
    this.tx = tx;
  }

  /** A simulation of a run, at its template's place in the batch. */
  record Member(
      int position,
      UUID simulationId,
      String kind,
      @Nullable String name,
      SimulationStatus status,
      @Nullable String error) {}

  /** A status a run has been in. */
  record Transition(RunStatus status, @Nullable String reason, Instant at) {}

  Optional<BatchRun> byKey(Connection c, String batch, String key) throws SQLException {
    return one(
        c,
        "SELECT " + COLUMNS + " FROM batch_runs WHERE batch_name = ? AND trigger_key = ?",
        batch,
        key);
  }

  /** Runs of the batch still going, oldest first, locked until the caller's transaction ends. */
  List<BatchRun> runningLocked(Connection c, String batch) throws SQLException {
    return many(
        c,
        "SELECT "
            + COLUMNS
            + " FROM batch_runs WHERE batch_name = ? AND status = 'RUNNING'"
            + " ORDER BY created_at, id FOR UPDATE",
        batch);
  }

  /** The run if no other transaction holds it, locked; empty when taken or gone. */
  Optional<BatchRun> tryLock(Connection c, UUID id) throws SQLException {
    return one(c, "SELECT " + COLUMNS + " FROM batch_runs WHERE id = ? FOR UPDATE SKIP LOCKED", id);
  }

  /** Stores a new run in {@code status} with its first transition. */
  void insert(Connection c, BatchRun run, boolean reopenable) throws SQLException {
    Sql.update(
        c,
        """
        INSERT INTO batch_runs (id, batch_name, trigger, trigger_key, schedule_time, requested_by,
            status, reason, reopenable, owner, deadline_at, fail_fast_first, created_at, ended_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        run.id(),
        run.batchName(),
        run.trigger(),
        run.triggerKey(),
        run.scheduleTime(),
        run.requestedBy(),
        run.status().name(),
        run.reason(),
        reopenable,
        run.owner(),
        run.deadlineAt(),
        run.failFastFirst(),
        run.createdAt(),
        run.endedAt());
    transition(c, run.id(), run.status(), run.reason(), run.createdAt());
  }

  /** Moves the run to {@code status}, an end unless RUNNING, and records the transition. */
  void move(
      Connection c,
      UUID id,
      RunStatus status,
      @Nullable String reason,
      boolean reopenable,
      Instant at)
      throws SQLException {
    Sql.update(
        c,
        "UPDATE batch_runs SET status = ?, reason = ?, reopenable = ?, ended_at = ? WHERE id = ?",
        status.name(),
        reason,
        reopenable,
        status == RunStatus.RUNNING ? null : at,
        id);
    transition(c, id, status, reason, at);
  }

  private static void transition(
      Connection c, UUID id, RunStatus status, @Nullable String reason, Instant at)
      throws SQLException {
    Sql.update(
        c,
        """
        INSERT INTO batch_run_transitions (run_id, seq, status, reason, at)
        SELECT ?, coalesce(max(seq), 0) + 1, ?, ?, ? FROM batch_run_transitions WHERE run_id = ?
        """,
        id,
        status.name(),
        reason,
        at,
        id);
  }

  /**
   * Runs to look at: those going on, and those that FAILED only because simulations failed while
   * one of those runs again (a replayed dead letter).
   */
  List<UUID> toSupervise(int limit) {
    return tx.executeRead(
        st -> {
          List<UUID> ids = new ArrayList<>();
          try (PreparedStatement ps =
                  Sql.prepare(
                      st.getConnection(),
                      """
                      SELECT id FROM batch_runs WHERE status = 'RUNNING'
                      UNION
                      SELECT r.id FROM batch_runs r
                      WHERE r.status = 'FAILED' AND r.reopenable AND EXISTS (
                          SELECT 1 FROM simulations s
                          WHERE s.batch_run_id = r.id AND s.status IN ('QUEUED', 'RUNNING'))
                      LIMIT ?
                      """,
                      limit);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              ids.add(rs.getObject(1, UUID.class));
            }
          }
          return ids;
        });
  }

  List<Member> members(Connection c, UUID run) throws SQLException {
    List<Member> members = new ArrayList<>();
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                "SELECT batch_position, id, kind, name, status, error FROM simulations"
                    + " WHERE batch_run_id = ? ORDER BY batch_position",
                run);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        members.add(
            new Member(
                rs.getInt("batch_position"),
                rs.getObject("id", UUID.class),
                rs.getString("kind"),
                rs.getString("name"),
                SimulationStatus.valueOf(rs.getString("status")),
                rs.getString("error")));
      }
    }
    return members;
  }

  /** The batch's runs, newest first, at most {@code limit}, before {@code before} if given. */
  List<BatchRun> list(String batch, int limit, @Nullable Instant before) {
    return tx.executeRead(
        st ->
            many(
                st.getConnection(),
                "SELECT "
                    + COLUMNS
                    + " FROM batch_runs WHERE batch_name = ? AND (?::timestamptz IS NULL OR"
                    + " created_at < ?::timestamptz) ORDER BY created_at DESC, id DESC LIMIT ?",
                batch,
                before,
                before,
                limit));
  }

  /** The run with its simulations and transitions. */
  Optional<RunDetail> detail(String batch, UUID id) {
    return tx.executeRead(
        st -> {
          Connection c = st.getConnection();
          Optional<BatchRun> run =
              one(
                  c,
                  "SELECT " + COLUMNS + " FROM batch_runs WHERE id = ? AND batch_name = ?",
                  id,
                  batch);
          if (run.isEmpty()) {
            return Optional.empty();
          }
          List<Transition> transitions = new ArrayList<>();
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      "SELECT status, reason, at FROM batch_run_transitions WHERE run_id = ?"
                          + " ORDER BY seq",
                      id);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              transitions.add(
                  new Transition(
                      RunStatus.valueOf(rs.getString("status")),
                      rs.getString("reason"),
                      Sql.instant(rs, "at")));
            }
          }
          return Optional.of(new RunDetail(run.get(), members(c, id), transitions));
        });
  }

  /** A run, its simulations and its transitions. */
  record RunDetail(BatchRun run, List<Member> members, List<Transition> transitions) {}

  private static Optional<BatchRun> one(Connection c, String sql, Object... params)
      throws SQLException {
    List<BatchRun> runs = many(c, sql, params);
    return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
  }

  private static List<BatchRun> many(Connection c, String sql, Object... params)
      throws SQLException {
    List<BatchRun> runs = new ArrayList<>();
    try (PreparedStatement ps = Sql.prepare(c, sql, params);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        runs.add(
            new BatchRun(
                rs.getObject("id", UUID.class),
                rs.getString("batch_name"),
                rs.getString("trigger"),
                rs.getString("trigger_key"),
                Sql.instant(rs, "schedule_time"),
                rs.getString("requested_by"),
                RunStatus.valueOf(rs.getString("status")),
                rs.getString("reason"),
                rs.getString("owner"),
                Sql.instant(rs, "deadline_at"),
                rs.getInt("fail_fast_first"),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "ended_at")));
      }
    }
    return runs;
  }
}
