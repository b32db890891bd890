package dev.simrun.shared.simulations;

import dev.simrun.shared.events.EventLog;
import dev.simrun.shared.events.EventType;
import dev.simrun.shared.events.SimulationEvent;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
  private final Clock clock;
  private final QueueNames queues;
  private final EventLog events;

  public ChunkStore(
      TransactionOperations<Connection> tx, Clock clock, QueueNames queues, EventLog events) {
    this.tx = tx;
    this.clock = clock;
    this.queues = queues;
    this.events = events;
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

  public Claim claim(UUID simulationId, int chunkIndex, int generation, Duration lease) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          Instant now = clock.instant();
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      """
                      UPDATE chunks AS c
                      SET status = 'RUNNING', attempt = c.attempt + 1, lease_until = ?,
                          started_at = COALESCE(c.started_at, ?)
                      FROM simulations AS s
                      WHERE c.simulation_id = ? AND c.idx = ? AND c.generation = ?
                        AND s.id = c.simulation_id AND s.status IN ('QUEUED', 'RUNNING')
                        AND (c.status = 'PENDING' OR (c.status = 'RUNNING' AND c.lease_until < ?))
                      RETURNING c.attempt, c.unit_from, c.unit_to, s.kind, s.params::text AS params,
                          s.status AS simulation_status, s.owner, c.checkpoint
                      """,
                      now.plus(lease),
                      now,
                      simulationId,
                      chunkIndex,
                      generation,
                      now);
              ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              String owner = rs.getString("owner");
              int attempt = rs.getInt("attempt");
              List<SimulationEvent> changes = new ArrayList<>(2);
              if (rs.getString("simulation_status").equals("QUEUED")) {
                started(c, simulationId, now).ifPresent(changes::add);
              }
              changes.add(
                  SimulationEvent.transientEvent(
                      EventType.CHUNK_STARTED,
                      simulationId,
                      owner,
                      now,
                      Map.of("chunk", chunkIndex, "attempt", attempt)));
              return new Claimed(
                  simulationId,
                  chunkIndex,
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
          return whyNot(c, simulationId, chunkIndex, generation, now);
        });
  }

  /** QUEUED to RUNNING, once: the first claim of a simulation logs {@code simulation.started}. */
  private Optional<SimulationEvent> started(Connection c, UUID simulationId, Instant now)
      throws SQLException {
    return events.afterUpdate(
        c,
        simulationId,
        EventType.SIMULATION_STARTED,
        Map.of(),
        now,
        "UPDATE simulations SET status = 'RUNNING', started_at = ?,"
            + " event_seq = event_seq + 1 WHERE id = ? AND status = 'QUEUED'"
            + " RETURNING event_seq, owner",
        now,
        simulationId);
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

  public Commit commitSuccess(UUID simulationId, int chunkIndex, int attempt, byte[] result) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          Instant now = clock.instant();
          int updated =
              Sql.update(
                  c,
                  """
                  UPDATE chunks
                  SET status = 'SUCCEEDED', result = ?, progress = 1, finished_at = ?,
                      lease_until = NULL, error = NULL, checkpoint = NULL
                  WHERE simulation_id = ? AND idx = ? AND attempt = ? AND status = 'RUNNING'
                  """,
                  result,
                  now,
                  simulationId,
                  chunkIndex,
                  attempt);
          if (updated == 0) {
            return new Superseded();
          }
          // One update of the simulation row counts the chunk and takes the event's id.
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      "UPDATE simulations SET chunks_done = chunks_done + 1,"
                          + " event_seq = event_seq + 1 WHERE id = ?"
                          + " RETURNING chunks_done, chunk_count, event_seq, owner, status",
                      simulationId);
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            int done = rs.getInt("chunks_done");
            int count = rs.getInt("chunk_count");
            SimulationEvent event =
                events.insert(
                    c,
                    simulationId,
                    rs.getString("owner"),
                    rs.getLong("event_seq"),
                    EventType.CHUNK_SUCCEEDED,
                    Map.of(
                        "chunk", chunkIndex,
                        "attempt", attempt,
                        "chunksDone", done,
                        "chunkCount", count),
                    now);
            if (rs.getString("status").equals("CANCELLING")) {
              List<SimulationEvent> logged = new ArrayList<>(List.of(event));
              CancelCompletion.ifNothingRuns(c, events, simulationId, now).ifPresent(logged::add);
              return new Committed(null, logged);
            }
            if (done < count) {
              return new Committed(null, List.of(event));
            }
            return new Committed(enqueueFinalize(c, simulationId, now), List.of(event));
          }
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
