package dev.simrun.shared.deadletters;

import dev.simrun.shared.events.EventLog;
import dev.simrun.shared.events.EventType;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.simulations.KeysetCursor;
import dev.simrun.shared.simulations.QueueNames;
import dev.simrun.shared.simulations.SimulationStatus;
import dev.simrun.shared.simulations.Sql;
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

/**
 * Dead letters as their owner sees and resolves them. A replay runs the chunk again as a new
 * generation (a new Cloud Tasks task) and, when the simulation had ended FAILED or PARTIAL, takes
 * it back to RUNNING with every chunk that did not succeed; a discard only closes the letter.
 */
@Singleton
public class DeadLetterStore {
  private final TransactionOperations<Connection> tx;
  private final Clock clock;
  private final EventLog events;
  private final QueueNames queues;

  public DeadLetterStore(
      TransactionOperations<Connection> tx, Clock clock, EventLog events, QueueNames queues) {
    this.tx = tx;
    this.clock = clock;
    this.events = events;
    this.queues = queues;
  }

  /** A page of dead letters, newest first; {@code nextCursor} is null on the last page. */
  public record Page(List<DeadLetter> items, @Nullable String nextCursor) {}

  /**
   * @throws KeysetCursor.InvalidCursorException when {@code cursor} is not one a page handed out
   */
  public Page list(
      String owner,
      @Nullable UUID simulationId,
      @Nullable DeadLetterStatus status,
      int limit,
      @Nullable String cursor) {
    KeysetCursor after = cursor == null ? null : KeysetCursor.decode(cursor);
    return tx.executeRead(
        st -> {
          StringBuilder sql =
              new StringBuilder(
                  "SELECT " + DeadLetter.COLUMNS + " FROM dead_letters WHERE owner = ?");
          List<Object> params = new ArrayList<>(List.of(owner));
          if (simulationId != null) {
            sql.append(" AND simulation_id = ?");
            params.add(simulationId);
          }
          if (status != null) {
            sql.append(" AND status = ?");
            params.add(status.name());
          }
          if (after != null) {
            sql.append(" AND (created_at, id) < (?, ?)");
            params.add(after.createdAt());
            params.add(after.id());
          }
          sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
          params.add(limit + 1);
          List<DeadLetter> items = new ArrayList<>();
          try (PreparedStatement ps =
                  Sql.prepare(st.getConnection(), sql.toString(), params.toArray());
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              items.add(DeadLetter.read(rs));
            }
          }
          if (items.size() <= limit) {
            return new Page(items, null);
          }
          DeadLetter last = items.get(limit - 1);
          return new Page(
              List.copyOf(items.subList(0, limit)),
              new KeysetCursor(last.createdAt(), last.id()).encode());
        });
  }

  public Optional<DeadLetter> find(String owner, UUID id) {
    return tx.executeRead(st -> find(st.getConnection(), owner, id, false));
  }

  /** What a replay or a discard found. */
  public sealed interface Resolution {}

  /** No dead letter of the owner has that id. */
  public record NotFound() implements Resolution {}

  /**
   * The letter cannot be resolved that way; {@code why} says what stands in the way, {@code
   * alreadyResolved} when it is that the letter is no longer open.
   */
  public record Conflict(String why, boolean alreadyResolved) implements Resolution {}

  /**
   * Done. {@code letter} as it now is; {@code outboxIds} are the chunk tasks to create (empty for a
   * discard); {@code events} were logged ({@code chunk.replayed}, and {@code simulation.resumed}
   * when the simulation runs again).
   */
  public record Resolved(DeadLetter letter, List<Long> outboxIds, List<SimulationEvent> events)
      implements Resolution {}

  /**
   * Re-dispatches the chunk as a new generation. Refused when the letter is no longer open, the
   * chunk is no longer FAILED (it succeeded since, or runs), or the simulation was cancelled.
   */
  public Resolution replay(String owner, UUID id) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          Instant now = clock.instant();
          DeadLetter letter = find(c, owner, id, true).orElse(null);
          if (letter == null) {
            return new NotFound();
          }
          if (letter.status() != DeadLetterStatus.OPEN) {
            return new Conflict("dead letter " + id + " was already " + letter.status(), true);
          }
          UUID sim = letter.simulationId();
          SimulationStatus status;
          String queue;
          try (PreparedStatement ps =
                  Sql.prepare(
                      c,
                      "SELECT status, priority, kind FROM simulations WHERE id = ? FOR UPDATE",
                      sim);
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            status = SimulationStatus.valueOf(rs.getString("status"));
            queue = queues.forSimulation(rs.getString("priority"), rs.getString("kind"));
          }
          if (status == SimulationStatus.CANCELLING || status == SimulationStatus.CANCELLED) {
            return new Conflict(
                "simulation " + sim + " is " + status + "; it cannot run again", false);
          }
          String chunk = chunkStatus(c, sim, letter.chunkIndex());
          if (!chunk.equals("FAILED")) {
            return new Conflict(
                "chunk "
                    + letter.chunkIndex()
                    + " of simulation "
                    + sim
                    + " is "
                    + chunk
                    + (chunk.equals("SUCCEEDED") ? "; there is nothing to replay" : ""),
                false);
          }
          List<Long> outbox = new ArrayList<>();
          int generation =
              requeue(
                      c,
                      sim,
                      "idx = " + letter.chunkIndex() + " AND status = 'FAILED'",
                      queue,
                      now,
                      outbox)
                  .getFirst();
          Sql.update(c, "UPDATE simulations SET chunks_done = chunks_done - 1 WHERE id = ?", sim);
          Map<String, Object> replayed = new LinkedHashMap<>();
          replayed.put("chunk", letter.chunkIndex());
          replayed.put("generation", generation);
          replayed.put("deadLetter", id.toString());
          List<SimulationEvent> logged = new ArrayList<>(2);
          logged.add(events.append(c, sim, EventType.CHUNK_REPLAYED, replayed, now));
          if (status.terminal()) {
            // FAILED or PARTIAL: the chunks a failFast cancelled run again too.
            requeue(c, sim, "status = 'CANCELLED'", queue, now, outbox);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("deadLetter", id.toString());
            data.put("requeuedChunks", outbox.size());
            events
                .afterUpdate(
                    c,
                    sim,
                    EventType.SIMULATION_RESUMED,
                    data,
                    now,
                    """
                    UPDATE simulations
                    SET status = 'RUNNING', error = NULL, result = NULL, finished_at = NULL,
                        generation = generation + 1, event_seq = event_seq + 1
                    WHERE id = ? AND status IN ('FAILED', 'PARTIAL')
                    RETURNING event_seq, owner
                    """,
                    sim)
                .ifPresent(logged::add);
          }
          return new Resolved(close(c, id, DeadLetterStatus.REPLAYED, now), outbox, logged);
        });
  }

  /** Closes an open letter without running the chunk again; the chunk stays FAILED. */
  public Resolution discard(String owner, UUID id) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          DeadLetter letter = find(c, owner, id, true).orElse(null);
          if (letter == null) {
            return new NotFound();
          }
          if (letter.status() != DeadLetterStatus.OPEN) {
            return new Conflict("dead letter " + id + " was already " + letter.status(), true);
          }
          return new Resolved(
              close(c, id, DeadLetterStatus.DISCARDED, clock.instant()), List.of(), List.of());
        });
  }

  /**
   * The matching chunks PENDING as their next generation, each with an outbox row (its ids added to
   * {@code outbox}); returns the new generations.
   */
  private static List<Integer> requeue(
      Connection c, UUID sim, String where, String queue, Instant now, List<Long> outbox)
      throws SQLException {
    List<Integer> generations = new ArrayList<>();
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                """
                WITH requeued AS (
                  UPDATE chunks
                  SET status = 'PENDING', generation = generation + 1, lease_until = NULL,
                      progress = 0, finished_at = NULL, error = NULL, first_failure_at = NULL
                  WHERE simulation_id = ? AND %s
                  RETURNING idx, generation
                )
                INSERT INTO outbox (simulation_id, task_type, chunk_idx, generation, queue,
                    available_at)
                SELECT ?, 'chunk', idx, generation, ?, ? FROM requeued
                RETURNING id, generation
                """
                    .formatted(where),
                sim,
                sim,
                queue,
                now);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        outbox.add(rs.getLong("id"));
        generations.add(rs.getInt("generation"));
      }
    }
    return generations;
  }

  private static String chunkStatus(Connection c, UUID sim, int idx) throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                "SELECT status FROM chunks WHERE simulation_id = ? AND idx = ? FOR UPDATE",
                sim,
                idx);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static DeadLetter close(Connection c, UUID id, DeadLetterStatus to, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                "UPDATE dead_letters SET status = ?, resolved_at = ? WHERE id = ? RETURNING "
                    + DeadLetter.COLUMNS,
                to.name(),
                now,
                id);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return DeadLetter.read(rs);
    }
  }

  private static Optional<DeadLetter> find(Connection c, String owner, UUID id, boolean lock)
      throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                "SELECT "
                    + DeadLetter.COLUMNS
                    + " FROM dead_letters WHERE id = ? AND owner = ?"
                    + (lock ? " FOR UPDATE" : ""),
                id,
                owner);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(DeadLetter.read(rs)) : Optional.empty();
    }
  }
}
