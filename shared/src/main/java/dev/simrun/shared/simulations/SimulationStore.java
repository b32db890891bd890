package dev.simrun.shared.simulations;

import static dev.simrun.shared.simulations.SimulationRows.counts;

import dev.simrun.shared.config.AdmissionConfig;
import dev.simrun.shared.events.EventLog;
import dev.simrun.shared.events.EventType;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.simulations.SimulationRows.Counts;
import dev.simrun.shared.simulations.SimulationRows.Row;
import dev.simrun.shared.tracing.TraceContext;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Simulations as the api stores and reads them; every read is scoped by owner. */
@Singleton
public class SimulationStore {
  private final TransactionOperations<Connection> tx;
  private final Clock clock;
  private final QueueNames queues;
  private final EventLog events;
  private final Admission admission;
  private final SimulationTransitions simulations;
  private final ChunkTransitions chunks;
  private final CancelCompletion cancels;

  public SimulationStore(
      TransactionOperations<Connection> tx,
      Clock clock,
      QueueNames queues,
      EventLog events,
      Admission admission,
      SimulationTransitions simulations,
      ChunkTransitions chunks,
      CancelCompletion cancels) {
    this.tx = tx;
    this.clock = clock;
    this.queues = queues;
    this.events = events;
    this.admission = admission;
    this.simulations = simulations;
    this.chunks = chunks;
    this.cancels = cancels;
  }

  /**
   * What {@link #create} did: stored a new simulation, with its {@code simulation.queued} event, or
   * found the one its key names (no event).
   */
  public record Submission(
      UUID id,
      int chunkCount,
      SimulationStatus status,
      boolean created,
      @Nullable SimulationEvent queued) {}

  /**
   * Stores the simulation, its chunks and one outbox row per chunk in one transaction. A second
   * call with the same owner and idempotency key, also a concurrent one, returns the first.
   *
   * @throws AdmissionRefused beyond a limit of {@link AdmissionConfig}; nothing is stored
   * @throws NoSuchDataset when a dataset it reads is no longer the owner's; nothing is stored
   */
  public Submission create(NewSimulation s) {
    return tx.executeWrite(
        status -> {
          Connection c = status.getConnection();
          Instant now = clock.instant();
          // One owner's submits take turns, so the key lookup and the owner's count below are
          // exact: a concurrent repeat of the key waits here and then finds the first submission.
          OwnerLocks.submits(c, s.owner());
          if (s.idempotencyKey() != null) {
            Submission known = existing(c, s.owner(), s.idempotencyKey());
            if (known != null) {
              return known;
            }
          }
          requireDatasets(c, s);
          admission.admit(c, s);
          // The request's trace, for the tasks the outbox creates later (decision 0036).
          TraceContext trace = TraceContext.current().orElse(null);
          // Created QUEUED, its chunks PENDING (the column's default); from then on only the
          // transitions change a status.
          Sql.update(
              c,
              """
              INSERT INTO simulations (id, owner, kind, name, priority, status, params, units,
                  units_per_chunk, chunk_count, idempotency_key, max_failed_chunks, event_seq,
                  created_at, dataset_ids, batch_run_id, batch_position, traceparent, tracestate)
              VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
              """,
              s.id(),
              s.owner(),
              s.kind(),
              s.name(),
              s.priority().wire(),
              SimulationStatus.QUEUED,
              s.paramsJson(),
              s.units(),
              s.unitsPerChunk(),
              s.chunkCount(),
              s.idempotencyKey(),
              s.maxFailedChunks(),
              now,
              c.createArrayOf("uuid", s.datasetIds().toArray()),
              s.batch() == null ? null : s.batch().runId(),
              s.batch() == null ? null : s.batch().position(),
              trace == null ? null : trace.traceparent(),
              trace == null ? null : trace.tracestate());
          int chunks = s.chunkCount();
          Sql.update(
              c,
              """
              INSERT INTO chunks (simulation_id, idx, unit_from, unit_to)
              SELECT ?, g, g::bigint * ?, LEAST((g::bigint + 1) * ?, ?)
              FROM generate_series(0, ? - 1) AS g
              """,
              s.id(),
              (long) s.unitsPerChunk(),
              (long) s.unitsPerChunk(),
              s.units(),
              chunks);
          Sql.update(
              c,
              """
              INSERT INTO outbox (simulation_id, task_type, chunk_idx, generation, queue, available_at)
              SELECT ?, 'chunk', g, 0, ?, ?
              FROM generate_series(0, ? - 1) AS g
              """,
              s.id(),
              queues.forSimulation(s.priority(), s.kind()),
              now,
              chunks);
          Map<String, Object> data = new LinkedHashMap<>();
          data.put("kind", s.kind());
          if (s.name() != null) {
            data.put("name", s.name());
          }
          data.put("priority", s.priority().wire());
          data.put("chunkCount", chunks);
          if (s.batch() != null) {
            data.put(
                "batch",
                Map.of(
                    "name", s.batch().batchName(),
                    "runId", s.batch().runId().toString(),
                    "position", s.batch().position()));
          }
          // event_seq starts at 1: this is event 1.
          SimulationEvent queued =
              events.insert(c, s.id(), s.owner(), 1, EventType.SIMULATION_QUEUED, data, now);
          return new Submission(s.id(), chunks, SimulationStatus.QUEUED, true, queued);
        });
  }

  /**
   * The datasets the simulation reads are still the owner's: one may have been deleted since the
   * submit was validated. Holding the owner's submit lock, which a delete takes too.
   */
  private static void requireDatasets(Connection c, NewSimulation s) throws SQLException {
    for (UUID dataset : s.datasetIds()) {
      try (PreparedStatement ps =
              Sql.prepare(
                  c, "SELECT 1 FROM datasets WHERE id = ? AND owner = ?", dataset, s.owner());
          ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NoSuchDataset(dataset.toString());
        }
      }
    }
  }

  /** What {@link #cancel} found. */
  public sealed interface Cancel {}

  /** No simulation of the owner has that id. */
  public record NoSuchSimulation() implements Cancel {}

  /** The simulation had already ended: nothing to cancel. */
  public record AlreadyFinished(SimulationStatus status) implements Cancel {}

  /**
   * The simulation is CANCELLING (or already CANCELLED when no chunk was running). {@code
   * pendingTasks} are the queue tasks of the chunks this call cancelled, to delete (best effort: a
   * task that still arrives finds its chunk CANCELLED and does nothing). {@code cancelled} is the
   * {@code simulation.cancelled} event when this call finished the cancellation.
   */
  public record Cancelling(
      SimulationStatus status, List<PendingTask> pendingTasks, Optional<SimulationEvent> cancelled)
      implements Cancel {}

  /** A queue task that would have run a cancelled chunk. */
  public record PendingTask(String queue, String taskId) {}

  /**
   * Cancels in one transaction: CANCELLING, every PENDING chunk CANCELLED, their outbox rows
   * removed; CANCELLED at once when no chunk runs, otherwise when the last running chunk stops.
   * Cancelling a cancelling simulation again changes nothing.
   */
  public Cancel cancel(String owner, UUID id) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          Instant now = clock.instant();
          SimulationStatus status;
          String queue;
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      "SELECT status, priority, kind FROM simulations WHERE id = ? AND owner = ?"
                          + " FOR UPDATE",
                      id,
                      owner);
              ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return new NoSuchSimulation();
            }
            status = SimulationStatus.valueOf(rs.getString("status"));
            queue = queues.forSimulation(rs.getString("priority"), rs.getString("kind"));
          }
          if (status == SimulationStatus.CANCELLING) {
            return new Cancelling(status, List.of(), Optional.empty());
          }
          if (!simulations.cancelling(c, id)) {
            return new AlreadyFinished(status);
          }
          List<PendingTask> pending = chunks.withdrawPending(c, id, queue, now);
          Optional<SimulationEvent> cancelled = cancels.ifNothingRuns(c, id, now);
          return new Cancelling(
              cancelled.isPresent() ? SimulationStatus.CANCELLED : SimulationStatus.CANCELLING,
              pending,
              cancelled);
        });
  }

  private static @Nullable Submission existing(Connection c, String owner, String key)
      throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                "SELECT id, chunk_count, status FROM simulations WHERE owner = ? AND idempotency_key = ?",
                owner,
                key);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      return new Submission(
          rs.getObject("id", UUID.class),
          rs.getInt("chunk_count"),
          SimulationStatus.valueOf(rs.getString("status")),
          false,
          null);
    }
  }

  public Optional<SimulationView> find(String owner, UUID id) {
    return tx.executeRead(
        status -> {
          Connection c = status.getConnection();
          try (PreparedStatement ps =
                  Sql.prepare(
                      c, "SELECT * FROM simulations WHERE owner = ? AND id = ?", owner, id);
              ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return Optional.empty();
            }
            Row row = Row.read(rs);
            return Optional.of(row.view(counts(c, List.of(id)).getOrDefault(id, Counts.NONE)));
          }
        });
  }

  /** One page of a caller's simulations, newest first, and the cursor of the next page. */
  public record Page(List<SimulationView> items, String nextCursor) {}

  public Page list(String owner, SimulationStatus status, int limit, String cursor) {
    Instant afterCreated;
    UUID afterId;
    if (cursor == null) {
      afterCreated = null;
      afterId = null;
    } else {
      KeysetCursor k = KeysetCursor.decode(cursor);
      afterCreated = k.createdAt();
      afterId = k.id();
    }
    return tx.executeRead(
        st -> {
          Connection c = st.getConnection();
          StringBuilder sql = new StringBuilder("SELECT * FROM simulations WHERE owner = ?");
          List<Object> params = new ArrayList<>(List.of(owner));
          if (status != null) {
            sql.append(" AND status = ?");
            params.add(status.name());
          }
          if (afterCreated != null) {
            sql.append(" AND (created_at, id) < (?, ?)");
            params.add(afterCreated);
            params.add(afterId);
          }
          sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
          params.add(limit + 1);
          List<Row> rows = new ArrayList<>();
          try (PreparedStatement ps = Sql.prepare(c, sql.toString(), params.toArray());
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              rows.add(Row.read(rs));
            }
          }
          Map<UUID, Counts> counts = counts(c, rows.stream().map(Row::id).toList());
          List<SimulationView> items = new ArrayList<>();
          for (Row row : rows) {
            items.add(row.view(counts.getOrDefault(row.id(), Counts.NONE)));
          }
          String next = null;
          if (items.size() > limit) {
            items.remove(limit);
            SimulationView last = items.get(limit - 1);
            next = new KeysetCursor(last.createdAt(), last.id()).encode();
          }
          return new Page(items, next);
        });
  }

  /**
   * How a simulation came out, with what reading its result needs.
   *
   * @param result the stored result (JSON); null until it has SUCCEEDED or is PARTIAL
   */
  public record Outcome(SimulationStatus status, String kind, String params, byte[] result) {}

  public Optional<Outcome> outcome(String owner, UUID id) {
    return tx.executeRead(
        st -> {
          try (PreparedStatement ps =
                  Sql.prepare(
                      st.getConnection(),
                      "SELECT status, kind, params::text AS params, result FROM simulations"
                          + " WHERE owner = ? AND id = ?",
                      owner,
                      id);
              ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return Optional.empty();
            }
            return Optional.of(
                new Outcome(
                    SimulationStatus.valueOf(rs.getString("status")),
                    rs.getString("kind"),
                    rs.getString("params"),
                    rs.getBytes("result")));
          }
        });
  }
}
