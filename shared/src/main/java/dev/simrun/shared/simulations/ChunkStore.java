package dev.simrun.shared.simulations;

import dev.simrun.shared.events.EventLog;
import dev.simrun.shared.events.EventType;
import dev.simrun.shared.events.SimulationEvent;
import io.micronaut.data.connection.ConnectionOperations;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Chunks as workers claim and commit them. A claim is one guarded UPDATE that bumps the attempt
 * number; a commit is guarded by that attempt, so a stale or duplicate delivery changes nothing.
 */
@Singleton
public class ChunkStore {
  private final TransactionOperations<Connection> tx;
  private final ConnectionOperations<Connection> connections;
  private final Clock clock;
  private final QueueNames queues;
  private final EventLog events;

  public ChunkStore(
      TransactionOperations<Connection> tx,
      ConnectionOperations<Connection> connections,
      Clock clock,
      QueueNames queues,
      EventLog events) {
    this.tx = tx;
    this.connections = connections;
    this.clock = clock;
    this.queues = queues;
    this.events = events;
    this.claims = new GroupedCalls<>(RUNNERS, MAX_GROUP, this::claimAll);
    this.commits = new GroupedCalls<>(RUNNERS, MAX_GROUP, this::commitAll);
  }

  /**
   * Claims and commits that arrive while others are with the database are grouped: each group is
   * one statement, one round trip (decision 0017). At most this many groups of each are with the
   * database at once, each on a connection of its own...
   */
  private static final int RUNNERS = 2;

  /** ...and a group holds at most this many. */
  private static final int MAX_GROUP = 64;

  private final GroupedCalls<ClaimRequest, Claim> claims;
  private final GroupedCalls<CommitRequest, Commit> commits;

  private record ClaimRequest(UUID simulationId, int chunkIndex, int generation, Duration lease) {}

  private record CommitRequest(UUID simulationId, int chunkIndex, int attempt, byte[] result) {}

  /** Work that needs one JDBC connection and may throw what JDBC throws. */
  @FunctionalInterface
  private interface OnConnection<R> {
    R apply(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} on a pooled connection outside any transaction block (auto-commit): a single
   * statement is then its own transaction, one round trip, and the row locks it takes are released
   * as it ends, not a round trip later. Claims and commits run on whichever caller's thread runs
   * their group, so they must not be called inside a transaction.
   */
  private <R> R autoCommit(OnConnection<R> work) {
    return connections.executeWrite(
        status -> {
          try {
            return work.apply(status.getConnection());
          } catch (SQLException e) {
            throw new DataAccessException("chunk statement failed: " + e.getMessage(), e);
          }
        });
  }

  /** What a delivery found. */
  public sealed interface Claim {}

  /**
   * This delivery runs the chunk, as attempt {@code attempt}. {@code events} are what the claim
   * changed ({@code simulation.started} when it was the first, then {@code chunk.started}), for the
   * caller to publish.
   */
  public record Claimed(
      UUID simulationId,
      int chunkIndex,
      int attempt,
      long unitFrom,
      long unitTo,
      String kind,
      String paramsJson,
      String owner,
      List<SimulationEvent> events,
      byte[] checkpoint)
      implements Claim {}

  /** Nothing to do: the chunk is finished, superseded by a newer generation, or unknown. */
  public record NothingToDo(String why) implements Claim {}

  /** Another attempt holds a live lease: try again later. */
  public record Busy(Instant leaseUntil) implements Claim {}

  /**
   * Claims the chunk for a new attempt: the guarded update of the chunk and, for the first claim of
   * a simulation, QUEUED to RUNNING with its {@code simulation.started} event (the update's guard
   * on the locked row makes that happen once). One statement outside a transaction block, together
   * with the claims other deliveries make meanwhile.
   */
  public Claim claim(UUID simulationId, int chunkIndex, int generation, Duration lease) {
    return claims.call(new ClaimRequest(simulationId, chunkIndex, generation, lease));
  }

  private List<Claim> claimAll(List<ClaimRequest> requests) {
    return autoCommit(
        c -> {
          Instant now = clock.instant();
          int n = requests.size();
          Object[] simulations = new Object[n];
          Object[] indexes = new Object[n];
          Object[] generations = new Object[n];
          Object[] leases = new Object[n];
          for (int i = 0; i < n; i++) {
            ClaimRequest r = requests.get(i);
            simulations[i] = r.simulationId();
            indexes[i] = r.chunkIndex();
            generations[i] = r.generation();
            leases[i] = Timestamp.from(now.plus(r.lease()));
          }
          Claim[] answers = new Claim[n];
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      """
                      WITH req AS (
                        SELECT * FROM unnest(?::uuid[], ?::int[], ?::int[], ?::timestamptz[])
                            WITH ORDINALITY AS r(simulation_id, idx, generation, lease_until, ord)
                      ), claimed AS (
                        UPDATE chunks AS c
                        SET status = 'RUNNING', attempt = c.attempt + 1,
                            lease_until = req.lease_until, started_at = COALESCE(c.started_at, ?)
                        FROM req, simulations AS s
                        WHERE c.simulation_id = req.simulation_id AND c.idx = req.idx
                          AND c.generation = req.generation
                          AND s.id = c.simulation_id AND s.status IN ('QUEUED', 'RUNNING')
                          AND (c.status = 'PENDING' OR (c.status = 'RUNNING' AND c.lease_until < ?))
                        RETURNING req.ord, c.simulation_id, c.attempt, c.unit_from, c.unit_to,
                            s.kind, s.params::text AS params, s.status AS simulation_status,
                            s.owner, c.checkpoint
                      ), started AS (
                        UPDATE simulations
                        SET status = 'RUNNING', started_at = ?, event_seq = event_seq + 1
                        WHERE status = 'QUEUED' AND id IN (
                          SELECT simulation_id FROM claimed WHERE simulation_status = 'QUEUED')
                        RETURNING id, event_seq
                      ), logged AS (
                        INSERT INTO simulation_events (simulation_id, seq, type, payload, created_at)
                        SELECT id, event_seq, ?, '{}'::jsonb, ? FROM started
                      )
                      SELECT claimed.*, started.event_seq AS started_event
                      FROM claimed LEFT JOIN started ON started.id = claimed.simulation_id
                      ORDER BY claimed.ord
                      """,
                      c.createArrayOf("uuid", simulations),
                      c.createArrayOf("integer", indexes),
                      c.createArrayOf("integer", generations),
                      c.createArrayOf("timestamptz", leases),
                      now,
                      now,
                      now,
                      EventType.SIMULATION_STARTED.wire(),
                      now);
              ResultSet rs = ps.executeQuery()) {
            java.util.Set<UUID> startedTold = new java.util.HashSet<>();
            while (rs.next()) {
              int i = rs.getInt("ord") - 1;
              ClaimRequest r = requests.get(i);
              String owner = rs.getString("owner");
              int attempt = rs.getInt("attempt");
              List<SimulationEvent> changes = new ArrayList<>(2);
              long startedEvent = rs.getLong("started_event");
              if (!rs.wasNull() && startedTold.add(r.simulationId())) {
                changes.add(
                    new SimulationEvent(
                        SimulationEvent.VERSION,
                        startedEvent,
                        EventType.SIMULATION_STARTED.wire(),
                        r.simulationId(),
                        owner,
                        now,
                        Map.of()));
              }
              changes.add(
                  SimulationEvent.transientEvent(
                      EventType.CHUNK_STARTED,
                      r.simulationId(),
                      owner,
                      now,
                      Map.of("chunk", r.chunkIndex(), "attempt", attempt)));
              answers[i] =
                  new Claimed(
                      r.simulationId(),
                      r.chunkIndex(),
                      attempt,
                      rs.getLong("unit_from"),
                      rs.getLong("unit_to"),
                      rs.getString("kind"),
                      rs.getString("params"),
                      owner,
                      List.copyOf(changes),
                      rs.getBytes("checkpoint"));
            }
          }
          for (int i = 0; i < n; i++) {
            if (answers[i] == null) {
              ClaimRequest r = requests.get(i);
              answers[i] = whyNot(c, r.simulationId(), r.chunkIndex(), r.generation(), now);
            }
          }
          return List.of(answers);
        });
  }

  private static Claim whyNot(
      Connection c, UUID simulationId, int chunkIndex, int generation, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                """
                SELECT c.status, c.generation, c.lease_until, s.status AS simulation_status
                FROM chunks c JOIN simulations s ON s.id = c.simulation_id
                WHERE c.simulation_id = ? AND c.idx = ?
                """,
                simulationId,
                chunkIndex);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return new NothingToDo("no such chunk");
      }
      if (rs.getInt("generation") != generation) {
        return new NothingToDo("stale generation " + generation);
      }
      ChunkStatus status = ChunkStatus.valueOf(rs.getString("status"));
      if (status.terminal()) {
        return new NothingToDo("chunk already " + status);
      }
      String simulation = rs.getString("simulation_status");
      if (!simulation.equals("QUEUED") && !simulation.equals("RUNNING")) {
        return new NothingToDo("simulation is " + simulation);
      }
      Instant lease = Sql.instant(rs, "lease_until");
      return new Busy(lease == null ? now : lease);
    }
  }

  /** What a commit did. */
  public sealed interface Commit {}

  /**
   * The result is stored. {@code finalizeOutboxId} is set when this commit completed the last
   * outstanding chunk: the finalize task is then in the outbox, to be created once. {@code events}
   * are what this commit logged: {@code chunk.succeeded}, and {@code simulation.cancelled} when it
   * was the last running chunk of a cancelling simulation.
   */
  public record Committed(Long finalizeOutboxId, List<SimulationEvent> events) implements Commit {}

  /** A newer attempt owns the chunk (or it was cancelled): this result is dropped. */
  public record Superseded() implements Commit {}

  /**
   * Commits attempt {@code attempt}'s result, fenced by the attempt, with {@code
   * commit_chunks_success} (migration V5) outside a transaction block, together with the commits
   * other deliveries make meanwhile: the chunk, the simulation's count and {@code chunk.succeeded}
   * with the next event id, then finalize into the outbox (last chunk) or, when the simulation is
   * being cancelled and no chunk runs any more, CANCELLED. The simulation's row lock is held from
   * the count to the commit without a round trip between.
   */
  public Commit commitSuccess(UUID simulationId, int chunkIndex, int attempt, byte[] result) {
    return commits.call(new CommitRequest(simulationId, chunkIndex, attempt, result));
  }

  private List<Commit> commitAll(List<CommitRequest> requests) {
    return autoCommit(
        c -> {
          Instant now = clock.instant();
          int n = requests.size();
          Object[] simulations = new Object[n];
          Object[] indexes = new Object[n];
          Object[] attempts = new Object[n];
          byte[][] results = new byte[n][];
          for (int i = 0; i < n; i++) {
            CommitRequest r = requests.get(i);
            simulations[i] = r.simulationId();
            indexes[i] = r.chunkIndex();
            attempts[i] = r.attempt();
            results[i] = r.result();
          }
          Commit[] answers = new Commit[n];
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      "SELECT p_ord, event_id, done, total, sim_owner, sim_status, finalize_id,"
                          + " cancelled_id FROM commit_chunks_success(?::uuid[], ?::int[],"
                          + " ?::int[], ?::bytea[], ?, ?)",
                      c.createArrayOf("uuid", simulations),
                      c.createArrayOf("integer", indexes),
                      c.createArrayOf("integer", attempts),
                      c.createArrayOf("bytea", results),
                      now,
                      queues.finalizeQueue());
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              int i = rs.getInt("p_ord") - 1;
              CommitRequest r = requests.get(i);
              String owner = rs.getString("sim_owner");
              List<SimulationEvent> logged = new ArrayList<>(2);
              logged.add(
                  new SimulationEvent(
                      SimulationEvent.VERSION,
                      rs.getLong("event_id"),
                      EventType.CHUNK_SUCCEEDED.wire(),
                      r.simulationId(),
                      owner,
                      now,
                      Map.of(
                          "chunk", r.chunkIndex(),
                          "attempt", r.attempt(),
                          "chunksDone", rs.getInt("done"),
                          "chunkCount", rs.getInt("total"))));
              long cancelled = rs.getLong("cancelled_id");
              if (!rs.wasNull()) {
                logged.add(
                    new SimulationEvent(
                        SimulationEvent.VERSION,
                        cancelled,
                        EventType.SIMULATION_CANCELLED.wire(),
                        r.simulationId(),
                        owner,
                        now,
                        Map.of()));
              }
              long finalizeId = rs.getLong("finalize_id");
              answers[i] = new Committed(rs.wasNull() ? null : finalizeId, List.copyOf(logged));
            }
          }
          for (int i = 0; i < n; i++) {
            if (answers[i] == null) {
              answers[i] = new Superseded();
            }
          }
          return List.of(answers);
        });
  }

  /**
   * Puts the finalize task of a simulation whose chunks have all ended into the outbox, named by
   * the simulation's generation (a replay that resumes it bumps the generation, so the next
   * finalize is a new task). Call holding the simulation's row lock.
   */
  Long enqueueFinalize(Connection c, UUID simulationId, Instant now) throws SQLException {
    try (PreparedStatement insert =
            Sql.prepare(
                c,
                """
                INSERT INTO outbox (simulation_id, task_type, generation, queue, available_at)
                SELECT id, 'finalize', generation, ?, ? FROM simulations WHERE id = ?
                RETURNING id
                """,
                queues.finalizeQueue(),
                now,
                simulationId);
        ResultSet id = insert.executeQuery()) {
      id.next();
      return id.getLong(1);
    }
  }

  /**
   * Records how far attempt {@code attempt} got and extends its lease to now + {@code lease}: a
   * chunk that shows signs of life keeps its claim. False when the attempt no longer owns the
   * chunk.
   */
  public boolean reportProgress(
      UUID simulationId, int chunkIndex, int attempt, double fractionDone, Duration lease) {
    return tx.executeWrite(
        st ->
            Sql.update(
                    st.getConnection(),
                    """
                    UPDATE chunks SET progress = ?, lease_until = GREATEST(lease_until, ?)
                    WHERE simulation_id = ? AND idx = ? AND attempt = ? AND status = 'RUNNING'
                    """,
                    fractionDone,
                    clock.instant().plus(lease),
                    simulationId,
                    chunkIndex,
                    attempt)
                == 1);
  }

  /**
   * Saves attempt {@code attempt}'s checkpoint and extends its lease, like a progress report. False
   * when the attempt no longer owns the chunk.
   */
  public boolean saveCheckpoint(
      UUID simulationId, int chunkIndex, int attempt, byte[] checkpoint, Duration lease) {
    return tx.executeWrite(
        st ->
            Sql.update(
                    st.getConnection(),
                    """
                    UPDATE chunks SET checkpoint = ?, lease_until = GREATEST(lease_until, ?)
                    WHERE simulation_id = ? AND idx = ? AND attempt = ? AND status = 'RUNNING'
                    """,
                    checkpoint,
                    clock.instant().plus(lease),
                    simulationId,
                    chunkIndex,
                    attempt)
                == 1);
  }

  /**
   * Gives the chunk back after attempt {@code attempt} failed (RUNNING to PENDING, lease dropped,
   * error kept), so the next delivery claims it at once instead of waiting for the lease. False
   * when the attempt no longer owns the chunk.
   */
  public Optional<SimulationEvent> release(
      UUID simulationId, int chunkIndex, int attempt, String error) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          if (CancelCompletion.lock(c, simulationId).orElse(null) == SimulationStatus.CANCELLING) {
            return stopped(c, simulationId, chunkIndex, attempt);
          }
          int released =
              Sql.update(
                  c,
                  """
                  UPDATE chunks SET status = 'PENDING', lease_until = NULL, progress = 0, error = ?,
                      first_failure_at = COALESCE(first_failure_at, ?)
                  WHERE simulation_id = ? AND idx = ? AND attempt = ? AND status = 'RUNNING'
                  """,
                  error,
                  clock.instant(),
                  simulationId,
                  chunkIndex,
                  attempt);
          if (released == 0) {
            return Optional.<SimulationEvent>empty();
          }
          Map<String, Object> data = new LinkedHashMap<>();
          data.put("chunk", chunkIndex);
          data.put("attempt", attempt);
          data.put("error", error == null ? "" : error);
          data.put("willRetry", true);
          return Optional.of(
              events.append(c, simulationId, EventType.CHUNK_FAILED, data, clock.instant()));
        });
  }

  /**
   * Attempt {@code attempt} stopped because its simulation is being cancelled: the chunk becomes
   * CANCELLED, and the simulation CANCELLED if no other chunk runs. Returns {@code
   * simulation.cancelled} when this stop completed the cancellation.
   */
  public Optional<SimulationEvent> stopCancelled(UUID simulationId, int chunkIndex, int attempt) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          CancelCompletion.lock(c, simulationId);
          return stopped(c, simulationId, chunkIndex, attempt);
        });
  }

  /** With the simulation row locked: the attempt's chunk CANCELLED, then the completion check. */
  Optional<SimulationEvent> stopped(Connection c, UUID simulationId, int chunkIndex, int attempt)
      throws SQLException {
    Instant now = clock.instant();
    Sql.update(
        c,
        """
        UPDATE chunks SET status = 'CANCELLED', lease_until = NULL, finished_at = ?
        WHERE simulation_id = ? AND idx = ? AND attempt = ? AND status = 'RUNNING'
        """,
        now,
        simulationId,
        chunkIndex,
        attempt);
    return CancelCompletion.ifNothingRuns(c, events, simulationId, now);
  }

  /**
   * Cancelling simulations wait for their running chunks to stop; a chunk whose worker died never
   * says so. Every RUNNING chunk of a CANCELLING simulation whose lease has ended is CANCELLED, and
   * each such simulation CANCELLED when nothing else runs; at most {@code limit} simulations.
   * Returns the {@code simulation.cancelled} events.
   */
  public List<SimulationEvent> stopLapsedInCancelling(int limit) {
    Instant now = clock.instant();
    List<UUID> stuck =
        tx.executeRead(
            st -> {
              List<UUID> ids = new ArrayList<>();
              try (PreparedStatement ps =
                      Sql.prepare(
                          st.getConnection(),
                          """
                          SELECT DISTINCT c.simulation_id
                          FROM simulations s JOIN chunks c ON c.simulation_id = s.id
                          WHERE s.status = 'CANCELLING' AND c.status = 'RUNNING'
                            AND c.lease_until < ?
                          LIMIT ?
                          """,
                          now,
                          limit);
                  ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  ids.add(rs.getObject(1, UUID.class));
                }
              }
              return ids;
            });
    List<SimulationEvent> cancelled = new ArrayList<>();
    for (UUID id : stuck) {
      tx.executeWrite(
              st -> {
                Connection c = st.getConnection();
                if (CancelCompletion.lock(c, id).orElse(null) != SimulationStatus.CANCELLING) {
                  return Optional.<SimulationEvent>empty();
                }
                Sql.update(
                    c,
                    """
                    UPDATE chunks SET status = 'CANCELLED', lease_until = NULL, finished_at = ?
                    WHERE simulation_id = ? AND status = 'RUNNING' AND lease_until < ?
                    """,
                    now,
                    id,
                    now);
                return CancelCompletion.ifNothingRuns(c, events, id, now);
              })
          .ifPresent(cancelled::add);
    }
    return cancelled;
  }

  /** A simulation's kind and priority: what a worker needs to know before it admits a chunk. */
  public record Routing(String kind, Priority priority) {}

  /** The kind and priority of a simulation, which never change; empty when there is none. */
  public Optional<Routing> routingOf(UUID simulationId) {
    return tx.executeRead(
        st -> {
          try (PreparedStatement ps =
                  Sql.prepare(
                      st.getConnection(),
                      "SELECT kind, priority FROM simulations WHERE id = ?",
                      simulationId);
              ResultSet rs = ps.executeQuery()) {
            return rs.next()
                ? Optional.of(new Routing(rs.getString(1), Priority.fromWire(rs.getString(2))))
                : Optional.<Routing>empty();
          }
        });
  }

  /** The simulation's status, for a running chunk's cheap "was I cancelled?" check. */
  public Optional<SimulationStatus> simulationStatus(UUID simulationId) {
    return tx.executeRead(
        st -> {
          try (PreparedStatement ps =
                  Sql.prepare(
                      st.getConnection(),
                      "SELECT status FROM simulations WHERE id = ?",
                      simulationId);
              ResultSet rs = ps.executeQuery()) {
            return rs.next()
                ? Optional.of(SimulationStatus.valueOf(rs.getString(1)))
                : Optional.<SimulationStatus>empty();
          }
        });
  }

  /**
   * What finalizing needs: the kind, its parameters, every chunk's result in chunk order (null for
   * a chunk that has not succeeded), how many chunks FAILED and how many the policy tolerates.
   */
  public record Finalization(
      String kind,
      String paramsJson,
      SimulationStatus status,
      List<byte[]> chunkResults,
      int failedChunks,
      int maxFailedChunks) {

    /** Chunks neither SUCCEEDED nor FAILED: finalizing must wait for them. */
    public int outstanding() {
      return (int) chunkResults.stream().filter(java.util.Objects::isNull).count() - failedChunks;
    }
  }

  public Finalization loadForFinalize(UUID simulationId) {
    return tx.executeRead(
        st -> {
          Connection c = st.getConnection();
          String kind;
          String params;
          SimulationStatus status;
          int tolerated;
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      "SELECT kind, params::text AS params, status, max_failed_chunks"
                          + " FROM simulations WHERE id = ?",
                      simulationId);
              ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return null;
            }
            kind = rs.getString("kind");
            params = rs.getString("params");
            status = SimulationStatus.valueOf(rs.getString("status"));
            tolerated = rs.getInt("max_failed_chunks");
          }
          List<byte[]> results = new ArrayList<>();
          int failed = 0;
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      "SELECT status, result FROM chunks WHERE simulation_id = ? ORDER BY idx",
                      simulationId);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              String chunk = rs.getString("status");
              results.add(chunk.equals("SUCCEEDED") ? rs.getBytes("result") : null);
              if (chunk.equals("FAILED")) {
                failed++;
              }
            }
          }
          return new Finalization(kind, params, status, results, failed, tolerated);
        });
  }

  /**
   * Sets SUCCEEDED with the final result and logs {@code simulation.succeeded} with {@code data};
   * the event only for the one call that made the change, empty for every other.
   */
  public Optional<SimulationEvent> finalizeSucceeded(
      UUID simulationId, byte[] result, Map<String, Object> data) {
    return finish(simulationId, SimulationStatus.SUCCEEDED, result, null, data);
  }

  /** As {@link #finalizeSucceeded}, for a result of the chunks that succeeded: PARTIAL. */
  public Optional<SimulationEvent> finalizePartial(
      UUID simulationId, byte[] result, Map<String, Object> data) {
    return finish(simulationId, SimulationStatus.PARTIAL, result, null, data);
  }

  /** Sets FAILED with {@code error} once the chunks have ended but no result can be made. */
  public Optional<SimulationEvent> finalizeFailed(UUID simulationId, String error) {
    return finish(simulationId, SimulationStatus.FAILED, null, error, Map.of("error", error));
  }

  private Optional<SimulationEvent> finish(
      UUID simulationId,
      SimulationStatus status,
      byte[] result,
      String error,
      Map<String, Object> data) {
    EventType type =
        switch (status) {
          case SUCCEEDED -> EventType.SIMULATION_SUCCEEDED;
          case PARTIAL -> EventType.SIMULATION_PARTIAL;
          case FAILED -> EventType.SIMULATION_FAILED;
          default -> throw new IllegalArgumentException("not a finalize status: " + status);
        };
    return tx.executeWrite(
        st -> {
          Instant now = clock.instant();
          return events.afterUpdate(
              st.getConnection(),
              simulationId,
              type,
              data,
              now,
              """
              UPDATE simulations
              SET status = ?, result = ?, error = ?, finished_at = ?, event_seq = event_seq + 1
              WHERE id = ? AND status IN ('QUEUED', 'RUNNING')
              RETURNING event_seq, owner
              """,
              status.name(),
              result,
              error,
              now,
              simulationId);
        });
  }
}
