package dev.simrun.shared.deadletters;

import dev.simrun.shared.access.Scope;
import dev.simrun.shared.events.EventLog;
import dev.simrun.shared.events.EventType;
import dev.simrun.shared.events.SimulationEvent;
import dev.simrun.shared.simulations.ChunkStatus;
import dev.simrun.shared.simulations.ChunkTransitions;
import dev.simrun.shared.simulations.ChunkTransitions.Requeued;
import dev.simrun.shared.simulations.KeysetCursor;
import dev.simrun.shared.simulations.OwnerLocks;
import dev.simrun.shared.simulations.QueueNames;
import dev.simrun.shared.simulations.SimulationStatus;
import dev.simrun.shared.simulations.SimulationTransitions;
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
 * Dead letters as their owner, or an operator ({@link Scope#everyone()}), sees and resolves them. A
 * replay runs the chunk again as a new generation (a new Cloud Tasks task) and, when the simulation
 * had ended FAILED or PARTIAL, takes it back to RUNNING with every chunk that did not succeed; a
 * discard only closes the letter.
 */
@Singleton
public class DeadLetterStore {
  private final TransactionOperations<Connection> tx;
  private final Clock clock;
  private final EventLog events;
  private final QueueNames queues;
  private final SimulationTransitions simulations;
  private final ChunkTransitions chunks;

  public DeadLetterStore(
      TransactionOperations<Connection> tx,
      Clock clock,
      EventLog events,
      QueueNames queues,
      SimulationTransitions simulations,
      ChunkTransitions chunks) {
    this.tx = tx;
    this.clock = clock;
    this.events = events;
    this.queues = queues;
    this.simulations = simulations;
    this.chunks = chunks;
  }

  /** A page of dead letters, newest first; {@code nextCursor} is null on the last page. */
  public record Page(List<DeadLetter> items, @Nullable String nextCursor) {}

  /**
   * @throws KeysetCursor.InvalidCursorException when {@code cursor} is not one a page handed out
   */
  public Page list(
      Scope scope,
      @Nullable UUID simulationId,
      @Nullable DeadLetterStatus status,
      int limit,
      @Nullable String cursor) {
    KeysetCursor after = cursor == null ? null : KeysetCursor.decode(cursor);
    return tx.executeRead(
        st -> {
          List<Object> params = new ArrayList<>();
          StringBuilder sql =
              new StringBuilder(
                  "SELECT "
                      + DeadLetter.COLUMNS
                      + " FROM dead_letters WHERE "
                      + scope.where("owner", params));
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

  public Optional<DeadLetter> find(Scope scope, UUID id) {
    return tx.executeRead(st -> find(st.getConnection(), scope, id, false));
  }

  /** What a replay or a discard found. */
  public sealed interface Resolution {}

  /** No dead letter in the scope has that id. */
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
   * chunk is no longer FAILED (it succeeded since, or runs), the simulation was cancelled, or a
   * dataset it reads was deleted since it finished (decision 0026): the chunk would only fail again
   * for good. Under the owner's submit lock, like a submit, so that no dataset the replay found is
   * deleted before the simulation runs again.
   */
  public Resolution replay(Scope scope, UUID id) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          Instant now = clock.instant();
          DeadLetter letter = find(c, scope, id, true).orElse(null);
          if (letter == null) {
            return new NotFound();
          }
          if (letter.status() != DeadLetterStatus.OPEN) {
            return new Conflict("dead letter " + id + " was already " + letter.status(), true);
          }
          OwnerLocks.submits(c, letter.owner());
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
          ChunkStatus chunk = chunkStatus(c, sim, letter.chunkIndex());
          if (chunk != ChunkStatus.FAILED) {
            return new Conflict(
                "chunk "
                    + letter.chunkIndex()
                    + " of simulation "
                    + sim
                    + " is "
                    + chunk
                    + (chunk == ChunkStatus.SUCCEEDED ? "; there is nothing to replay" : ""),
                false);
          }
          List<UUID> deleted = deletedDatasets(c, sim);
          if (!deleted.isEmpty()) {
            return new Conflict(
                "simulation "
                    + sim
                    + " reads dataset "
                    + deleted.get(0)
                    + ", which was deleted; it cannot run again",
                false);
          }
          List<Long> outbox = new ArrayList<>();
          Requeued replayed = chunks.replay(c, sim, letter.chunkIndex(), queue, now).orElseThrow();
          outbox.add(replayed.outboxId());
          Sql.update(c, "UPDATE simulations SET chunks_done = chunks_done - 1 WHERE id = ?", sim);
          Map<String, Object> data = new LinkedHashMap<>();
          data.put("chunk", letter.chunkIndex());
          data.put("generation", replayed.generation());
          data.put("deadLetter", id.toString());
          List<SimulationEvent> logged = new ArrayList<>(2);
          logged.add(events.append(c, sim, EventType.CHUNK_REPLAYED, data, now));
          if (status.terminal()) {
            // FAILED or PARTIAL: the chunks a failFast cancelled run again too.
            chunks.resumeCancelled(c, sim, queue, now).forEach(r -> outbox.add(r.outboxId()));
            Map<String, Object> resumed = new LinkedHashMap<>();
            resumed.put("deadLetter", id.toString());
            resumed.put("requeuedChunks", outbox.size());
            simulations.resumed(c, sim, resumed, now).ifPresent(logged::add);
          }
          return new Resolved(close(c, id, DeadLetterStatus.REPLAYED, now), outbox, logged);
        });
  }

  /** Closes an open letter without running the chunk again; the chunk stays FAILED. */
  public Resolution discard(Scope scope, UUID id) {
    return tx.executeWrite(
        st -> {
          Connection c = st.getConnection();
          DeadLetter letter = find(c, scope, id, true).orElse(null);
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

  /** The datasets the simulation reads that are gone, in the order it names them. */
  private static List<UUID> deletedDatasets(Connection c, UUID sim) throws SQLException {
    List<UUID> deleted = new ArrayList<>();
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                """
                SELECT d.id FROM simulations s, unnest(s.dataset_ids) WITH ORDINALITY AS d(id, n)
                WHERE s.id = ? AND NOT EXISTS (SELECT 1 FROM datasets WHERE datasets.id = d.id)
                ORDER BY d.n
                """,
                sim);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        deleted.add(rs.getObject(1, UUID.class));
      }
    }
    return deleted;
  }

  private static ChunkStatus chunkStatus(Connection c, UUID sim, int idx) throws SQLException {
    try (PreparedStatement ps =
            Sql.prepare(
                c,
                "SELECT status FROM chunks WHERE simulation_id = ? AND idx = ? FOR UPDATE",
                sim,
                idx);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return ChunkStatus.valueOf(rs.getString(1));
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

  private static Optional<DeadLetter> find(Connection c, Scope scope, UUID id, boolean lock)
      throws SQLException {
    List<Object> params = new ArrayList<>(List.of(id));
    String sql =
        "SELECT "
            + DeadLetter.COLUMNS
            + " FROM dead_letters WHERE id = ? AND "
            + scope.where("owner", params)
            + (lock ? " FOR UPDATE" : "");
    try (PreparedStatement ps = Sql.prepare(c, sql, params.toArray());
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(DeadLetter.read(rs)) : Optional.empty();
    }
  }
}
